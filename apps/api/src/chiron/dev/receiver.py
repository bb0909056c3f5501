"""A tiny local OTLP/HTTP receiver: one printed line per span, log record and metric.

`python -m chiron.dev.receiver --port 4318` stands in for a collector when
checking traces offline (`make collector`, end-to-end tests). It accepts protobuf and JSON
bodies, gzip or deflate, on /v1/traces, /v1/logs and /v1/metrics, answers CORS preflights
(browser loggers post directly), and with `--json` prints one JSON object per line.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO
from urllib.parse import urlparse

from google.protobuf import json_format  # type: ignore[import-untyped]
from google.protobuf.message import DecodeError, Message  # type: ignore[import-untyped]
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

Record = dict[str, Any]
_SIGNALS: dict[str, tuple[type[Message], type[Message]]] = {
    "/v1/traces": (ExportTraceServiceRequest, ExportTraceServiceResponse),
    "/v1/logs": (ExportLogsServiceRequest, ExportLogsServiceResponse),
    "/v1/metrics": (ExportMetricsServiceRequest, ExportMetricsServiceResponse),
}
_KINDS = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
_ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def _attributes(items: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in items if isinstance(kv, KeyValue)}


def _service(resource: Resource) -> str:
    return str(_attributes(resource.attributes).get("service.name", "unknown"))


def _spans(request: ExportTraceServiceRequest) -> Iterator[Record]:
    for resource_spans in request.resource_spans:
        service = _service(resource_spans.resource)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield {
                    "signal": "span",
                    "service": service,
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent_span_id": span.parent_span_id.hex() or None,
                    "name": span.name,
                    "kind": _KINDS.get(span.kind, str(span.kind)),
                    "duration_ms": round(
                        (span.end_time_unix_nano - span.start_time_unix_nano) / 1e6, 3
                    ),
                    "status": span.status.code,
                    "scope": scope_spans.scope.name,
                    "attributes": _attributes(span.attributes),
                }


def _logs(request: ExportLogsServiceRequest) -> Iterator[Record]:
    for resource_logs in request.resource_logs:
        service = _service(resource_logs.resource)
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                yield {
                    "signal": "log",
                    "service": service,
                    "trace_id": record.trace_id.hex() or None,
                    "span_id": record.span_id.hex() or None,
                    "severity": record.severity_text,
                    "body": _value(record.body),
                    "scope": scope_logs.scope.name,
                    "attributes": _attributes(record.attributes),
                }


def _metrics(request: ExportMetricsServiceRequest) -> Iterator[Record]:
    for resource_metrics in request.resource_metrics:
        service = _service(resource_metrics.resource)
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                data = metric.WhichOneof("data")
                points = len(getattr(metric, data).data_points) if data else 0
                yield {
                    "signal": "metric",
                    "service": service,
                    "name": metric.name,
                    "type": data,
                    "points": points,
                }


def records(request: Message) -> Iterator[Record]:
    if isinstance(request, ExportTraceServiceRequest):
        yield from _spans(request)
    elif isinstance(request, ExportLogsServiceRequest):
        yield from _logs(request)
    elif isinstance(request, ExportMetricsServiceRequest):
        yield from _metrics(request)


def format_line(record: Record) -> str:
    """`span service=… trace=… span=… parent=… kind=… name="…"`: greppable, one per item."""
    signal = record["signal"]
    if signal == "metric":
        return f"metric service={record['service']} name={record['name']} points={record['points']}"
    head = (
        f"{signal} service={record['service']} trace={record['trace_id'] or '-'} "
        f"span={record['span_id'] or '-'}"
    )
    if signal == "span":
        attrs = record["attributes"]
        system = attrs.get("db.system.name") or attrs.get("db.system")
        extra = f" system={system}" if system else ""
        return (
            f"{head} parent={record['parent_span_id'] or '-'} kind={record['kind']}"
            f"{extra} ms={record['duration_ms']} name={json.dumps(record['name'])}"
        )
    request_id = record["attributes"].get("request_id")
    extra = f" request_id={request_id}" if request_id else ""
    body = json.dumps(record["body"], default=str)
    return f"{head} severity={record['severity'] or '-'}{extra} body={body}"


def _hex_ids_to_base64(node: Any) -> Any:
    """OTLP/JSON writes ids as hex; protobuf's JSON mapping expects bytes as base64."""
    if isinstance(node, dict):
        return {
            k: base64.b64encode(bytes.fromhex(v)).decode()
            if k in _ID_FIELDS and isinstance(v, str)
            else _hex_ids_to_base64(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_hex_ids_to_base64(v) for v in node]
    return node


def decode(path: str, body: bytes, content_type: str, encoding: str) -> tuple[Message, Message]:
    request_type, response_type = _SIGNALS[path]
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "deflate":
        body = zlib.decompress(body)
    request = request_type()
    if content_type.startswith("application/json"):
        json_format.ParseDict(
            _hex_ids_to_base64(json.loads(body)), request, ignore_unknown_fields=True
        )
    else:
        request.ParseFromString(body)
    return request, response_type()


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], out: TextIO, as_json: bool) -> None:
        super().__init__(address, _Handler)
        self.out = out
        self.as_json = as_json
        self.received: list[Record] = []
        self.lock = threading.Lock()

    def emit(self, request: Message) -> None:
        with self.lock:
            for record in records(request):
                self.received.append(record)
                line = json.dumps(record, default=str) if self.as_json else format_line(record)
                self.out.write(line + "\n")
            self.out.flush()


class _Handler(BaseHTTPRequestHandler):
    server: Receiver
    protocol_version = "HTTP/1.1"

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Content-Encoding")

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self) -> None:
        self._reply(204, b"", "text/plain")

    def do_POST(self) -> None:
        path = urlparse(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        content_type = self.headers.get("Content-Type", "application/x-protobuf")
        if path not in _SIGNALS:
            self._reply(404, b"unknown signal path", "text/plain")
            return
        try:
            request, response = decode(
                path, body, content_type, self.headers.get("Content-Encoding", "")
            )
        except (DecodeError, json_format.ParseError, ValueError, OSError, zlib.error) as exc:
            self._reply(400, f"cannot decode: {exc}".encode(), "text/plain")
            return
        self.server.emit(request)
        if content_type.startswith("application/json"):
            self._reply(200, json_format.MessageToJson(response).encode(), "application/json")
        else:
            self._reply(200, response.SerializeToString(), "application/x-protobuf")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per item is the output; no access log


def serve(
    host: str = "127.0.0.1", port: int = 4318, out: TextIO | None = None, *, as_json: bool = False
) -> Receiver:
    """A bound receiver; call `serve_forever()` (or run it in a thread)."""
    return Receiver((host, port), out or sys.stdout, as_json)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4318)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    receiver = serve(args.host, args.port, as_json=args.json)
    print(
        f"otlp receiver listening on http://{args.host}:{receiver.server_port}",
        file=sys.stderr,
        flush=True,
    )
    try:
        receiver.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.server_close()


if __name__ == "__main__":
    main()
