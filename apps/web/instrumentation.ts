/**
 * OpenTelemetry for the web server (Next calls register() once per server
 * process). Spans for each request and its fetches; the W3C traceparent goes on
 * fetches to the Chiron API, so a page load is one trace across web and API.
 * OTLP/HTTP export when OTEL_EXPORTER_OTLP_ENDPOINT is set (protocol from
 * OTEL_EXPORTER_OTLP_PROTOCOL, default http/protobuf); nothing is exported
 * otherwise. OTEL_SDK_DISABLED=true turns it all off.
 */
import { registerOTel } from "@vercel/otel";

export function register() {
  const api = new URL(process.env.CHIRON_API_URL || "http://127.0.0.1:8000").origin;
  const collector = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  registerOTel({
    serviceName: process.env.OTEL_SERVICE_NAME || "chiron-web",
    attributes: { "service.version": process.env.CHIRON_VERSION ?? "dev" },
    instrumentationConfig: {
      fetch: {
        // @vercel/otel propagates only to Vercel URLs unless told otherwise.
        propagateContextUrls: [api],
        // The log forwarder's own posts to the collector are not worth a span each.
        ignoreUrls: collector ? [collector] : [],
      },
    },
  });
}
