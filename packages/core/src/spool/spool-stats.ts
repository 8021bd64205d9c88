/** Why `append` refused a record. */
export type SpoolRefusal = "spool_full" | "too_large" | "spool_failed" | "spool_closed";

/** A snapshot of a spool's counters (since open) and gauges (now). */
export interface SpoolStats {
  /** Records accepted by `append`, and their bytes on disk (13-byte header + payload). */
  spooledRecords: number;
  spooledBytes: number;
  /** Records released by `ack` (each sequence number once). */
  ackedRecords: number;
  /** Records yielded by `replay` (a second replay yields unacknowledged records again). */
  replayedRecords: number;
  /** Records skipped because their checksum failed (an upper bound, see docs/spool-format.md). */
  damagedRecords: number;
  /** Incomplete records (or segments) cut off the end of the newest segment at open. */
  tornTails: number;
  /** Accepted records that never reached disk because the spool failed. */
  lostRecords: number;
  /** Refusals by reason; `refusedAudit` says how many of them were audit records. */
  refused: Record<SpoolRefusal, number>;
  refusedAudit: number;
  /** Records appended (this run) or found at open and not acknowledged: `Spool.unacked`. */
  unackedRecords: number;
  /** Records and bytes accepted but not yet written. */
  pendingRecords: number;
  pendingBytes: number;
  /** Bytes of segment files on disk (acknowledged records count until their segment is deleted). */
  diskBytes: number;
  segments: number;
  committedSeq: number;
  failed: boolean;
}

type Gauges = Pick<SpoolStats, "pendingRecords" | "unackedRecords" | "pendingBytes" | "diskBytes" | "segments" | "committedSeq" | "failed">;

/** The spool's mutable counters. */
export class SpoolCounters {
  spooledRecords = 0;
  spooledBytes = 0;
  ackedRecords = 0;
  replayedRecords = 0;
  damagedRecords = 0;
  tornTails = 0;
  lostRecords = 0;
  refused: Record<SpoolRefusal, number> = { spool_full: 0, too_large: 0, spool_failed: 0, spool_closed: 0 };
  refusedAudit = 0;

  snapshot(gauges: Gauges): SpoolStats {
    return {
      spooledRecords: this.spooledRecords,
      spooledBytes: this.spooledBytes,
      ackedRecords: this.ackedRecords,
      replayedRecords: this.replayedRecords,
      damagedRecords: this.damagedRecords,
      tornTails: this.tornTails,
      lostRecords: this.lostRecords,
      refused: { ...this.refused },
      refusedAudit: this.refusedAudit,
      ...gauges,
    };
  }
}
