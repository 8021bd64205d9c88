// The benchmarks' shared pieces are the Logstash sink's, so every sink is measured the same way.
export * from "../../sink-logstash/bench/common.mjs";

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
