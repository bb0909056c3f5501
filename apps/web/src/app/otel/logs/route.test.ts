// @vitest-environment node
import { POST } from "./route";

const batch = { records: [{ ts: Date.UTC(2025, 5, 1), level: "error", message: "Error: kaput", kind: "error", stack: "at x" }] };
type Attr = { key: string; value: unknown };
/** The parts of an OTLP/HTTP JSON logs export these tests read. */
type OtlpLogs = { resourceLogs: { resource: { attributes: Attr[] }; scopeLogs: { logRecords: ({ attributes: Attr[] } & Record<string, unknown>)[] }[] }[] };
const post = (body: unknown) => POST(new Request("http://web/otel/logs", { method: "POST", body: JSON.stringify(body), headers: { "user-agent": "UA" } }));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe("POST /otel/logs", () => {
  it("forwards a batch to the collector as OTLP/HTTP JSON and answers 204 at once", async () => {
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/");
    const fetchMock = vi.fn(() => new Promise<Response>(() => {})); // a collector that never answers
    vi.stubGlobal("fetch", fetchMock);
    const res = await post(batch);
    expect(res.status).toBe(204);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("http://collector:4318/v1/logs");
    const otlp = JSON.parse(init.body as string) as OtlpLogs;
    const resource = otlp.resourceLogs[0]!.resource.attributes;
    expect(resource).toContainEqual({ key: "service.name", value: { stringValue: "chiron-web" } });
    const rec = otlp.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(rec).toMatchObject({ severityNumber: 17, severityText: "ERROR", body: { stringValue: "Error: kaput" }, timeUnixNano: "1748736000000000000" });
    expect(rec.attributes).toContainEqual({ key: "exception.stacktrace", value: { stringValue: "at x" } });
    expect(rec.attributes).toContainEqual({ key: "user_agent.original", value: { stringValue: "UA" } });
  });

  it("drops batches when no collector is configured", async () => {
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", "");
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    expect((await post(batch)).status).toBe(204);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("rejects what is not a batch", async () => {
    expect((await post({ records: [] })).status).toBe(400);
    expect((await post({ records: [{ ts: 1, level: "fatal", message: "x" }] })).status).toBe(400);
  });
});
