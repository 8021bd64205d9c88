// The benchmarks' shared pieces are the Logstash sink's, so every sink is measured the same way.
export * from "../../sink-logstash/bench/common.mjs";
