/** Stable error codes. A code never changes meaning once published. */
export type IwErrorCode =
  | "IW_CONFIG_INVALID"
  | "IW_PLUGIN_MISSING"
  | "IW_PLUGIN_INVALID"
  | "IW_SEND_TIMEOUT"
  | "IW_SEND_ABORTED"
  | "IW_NETWORK"
  | "IW_HTTP_STATUS"
  | "IW_AUTH"
  | "IW_TLS"
  | "IW_PROTOCOL"
  | "IW_SERIALIZE"
  | "IW_SINK_THREW"
  | "IW_SINK_DISABLED"
  | "IW_CLOSED"
  | "IW_SPOOL_LOCKED"
  | "IW_SPOOL_UNAVAILABLE"
  | "IW_SPOOL_IO";

/** Base of every error the @iw packages create: a stable `code` and an optional `cause`. */
export class IwError extends Error {
  readonly code: IwErrorCode;
  constructor(code: IwErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IwError";
    this.code = code;
  }
}

/** A bad configuration value: names the variable, the (masked) value and the expected form. */
export class IwConfigError extends IwError {
  readonly variable: string | undefined;
  constructor(message: string, options?: { cause?: unknown; variable?: string }) {
    super("IW_CONFIG_INVALID", message, options);
    this.name = "IwConfigError";
    this.variable = options?.variable;
  }
}

/** A non-2xx answer from a collector. */
export class IwHttpError extends IwError {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(status === 401 || status === 403 ? "IW_AUTH" : "IW_HTTP_STATUS", message, options);
    this.name = "IwHttpError";
    this.status = status;
  }
}
