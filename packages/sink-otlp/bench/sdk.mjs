// The OpenTelemetry JS SDK's own pipeline, as an application would set it up for logs:
// LoggerProvider + BatchLogRecordProcessor + the OTLP/HTTP protobuf exporter, sending the same
// records (mapped by the sink's own toLogRecord, so bytes on the wire match) to the same receiver.
import { hostname } from "node:os";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
// Internals of the built package (not exported): the SDK comparison maps events the sink's way.
import { otlpOptions } from "../dist/options.js";
import { ResourceCache } from "../dist/resource.js";
import { toLogRecord } from "../dist/mapping.js";

// The sink's defaults (no service name, unknown_service:node for events without one, no attributes).
const resources = new ResourceCache(otlpOptions.resolve({ url: "http://127.0.0.1:4318" }));

/**
 * A started SDK pipeline. `maxQueueSize` defaults to the SDK's 2048; a burst larger than that
 * is dropped by the SDK unless it is raised.
 */
export function startSdk(logsUrl, { maxQueueSize } = {}) {
  const resource = resourceFromAttributes(resources.get(undefined, hostname()).attributes);
  const processor = new BatchLogRecordProcessor({
    exporter: new OTLPLogExporter({ url: logsUrl }),
    ...(maxQueueSize === undefined ? {} : { maxQueueSize }),
  });
  const provider = new LoggerProvider({ resource, processors: [processor] });
  const logger = provider.getLogger("@iw/sink-otlp", "bench");
  return {
    /** What an application's emit costs with the SDK: the same mapping, then logger.emit. */
    emit(event) {
      const r = toLogRecord(event, resources);
      logger.emit({
        timestamp: r.hrTime,
        observedTimestamp: r.hrTimeObserved,
        severityNumber: r.severityNumber,
        severityText: r.severityText,
        body: r.body,
        eventName: r.eventName,
        attributes: r.attributes,
      });
    },
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown(),
  };
}
