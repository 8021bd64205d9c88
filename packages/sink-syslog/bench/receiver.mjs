// Client side of bench/receiver-child.mjs: syslog receivers in another process, driven as the
// Logstash bench drives its own.
import { startReceiverProcess as start } from "../../sink-logstash/bench/receiver.mjs";

export const startReceiverProcess = () => start(new URL("./receiver-child.mjs", import.meta.url));
