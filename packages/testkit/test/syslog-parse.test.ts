import { describe, expect, it } from "vitest";
import { parseCef, parseLeef, parseRfc3164, parseRfc5424, SyslogDeframer } from "../src/index.js";

const rfc = (s: string) => () => parseRfc5424(s);

describe("parseRfc5424", () => {
  it("reads the RFC's own example with structured data", () => {
    const m = parseRfc5424(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \ufeffAn application event log entry...',
    );
    expect(m).toMatchObject({
      pri: 165,
      facility: 20,
      severity: 5,
      timestamp: "2003-10-11T22:14:15.003Z",
      hostname: "mymachine.example.com",
      appName: "evntslog",
      procId: null,
      msgId: "ID47",
      bom: true,
      msg: "An application event log entry...",
    });
    expect(m.structuredData).toEqual({ "exampleSDID@32473": { iut: "3", eventSource: "Application", eventID: "1011" } });
  });

  it('unescapes \\", \\\\ and \\] in PARAM-VALUE and keeps repeated names in order', () => {
    const m = parseRfc5424('<14>1 - - - - - [a@1 v="q\\"b\\\\c\\]" v="2"]');
    expect(m.sd[0]!.params).toEqual([
      ["v", 'q"b\\c]'],
      ["v", "2"],
    ]);
    expect(m.msg).toBeUndefined();
  });

  it.each([
    ["a leading zero in PRI", "<013>1 - - - - - -", /no leading zero/],
    ["PRI above 191", "<192>1 - - - - - -", /above 191/],
    ["version 2", "<13>2 - - - - - -", /VERSION must be 1/],
    ["a lower-case t", "<13>1 2003-10-11t22:14:15Z - - - - -", /upper-case T/],
    ["7 fraction digits", "<13>1 2003-10-11T22:14:15.1234567Z - - - - -", /at most 6/],
    ["February 30th", "<13>1 2003-02-30T22:14:15Z - - - - -", /DATE-MDAY/],
    ["a leap second", "<13>1 2003-10-11T23:59:60Z - - - - -", /no leap second/],
    ["an APP-NAME of 49 characters", `<13>1 - - ${"a".repeat(49)} - - -`, /APP-NAME has 1 to 48/],
    ["a MSGID of 33 characters", `<13>1 - - - - ${"m".repeat(33)} -`, /MSGID has 1 to 32/],
    ["a non-ASCII HOSTNAME", "<13>1 - hôte - - - -", /printable US-ASCII/],
    ["an unregistered SD-ID without @", '<13>1 - - - - - [mine x="1"]', /not IANA-registered/],
    ["an SD-ID whose enterprise number is no number", '<13>1 - - - - - [mine@acme x="1"]', /private enterprise number/],
    ["the same SD-ID twice", '<13>1 - - - - - [a@1 x="1"][a@1 y="2"]', /appears twice/],
    ["an unescaped ] in a value", '<13>1 - - - - - [a@1 x="a]b"]', /must be escaped/],
    ["a backslash that escapes nothing", '<13>1 - - - - - [a@1 x="C:\\temp"]', /must itself be escaped/],
    ["a PARAM-NAME with a space", '<13>1 - - - - - [a@1 x y="1"]', /expected = after PARAM-NAME/],
    ["no SP before MSG", '<13>1 - - - - - [a@1 x="1"]msg', /SP between STRUCTURED-DATA and MSG/],
  ])("refuses %s", (_what, text, reason) => {
    expect(rfc(text)).toThrow(reason);
  });

  it("refuses a value that is not UTF-8, and a MSG that claims UTF-8 with a BOM but is not", () => {
    expect(() => parseRfc5424(Buffer.concat([Buffer.from('<13>1 - - - - - [a@1 x="'), Buffer.from([0xff]), Buffer.from('"]')]))).toThrow(
      /not valid UTF-8/,
    );
    expect(() => parseRfc5424(Buffer.concat([Buffer.from("<13>1 - - - - - - \ufeff"), Buffer.from([0xc3])]))).toThrow(
      /BOM but is not valid UTF-8/,
    );
  });
});

describe("parseRfc3164", () => {
  it("reads PRI, a space-padded day, host, TAG[PID] and the content", () => {
    expect(parseRfc3164("<34>Oct  1 22:14:15 mymachine su[123]: 'su root' failed")).toMatchObject({
      facility: 4,
      severity: 2,
      timestamp: "Oct  1 22:14:15",
      hostname: "mymachine",
      tag: "su",
      pid: "123",
      content: "'su root' failed",
    });
    expect(() => parseRfc3164("<34>Oct 01 22:14:15 host su: x")).toThrow(/not Mmm dd/);
  });
});

describe("parseCef", () => {
  it("reads escaped header fields, escaped extension values and labelled custom fields", () => {
    const e = parseCef(
      "CEF:0|Ven\\|dor|Pro\\\\duct|1.0|sig|Name with = sign|High|src=10.0.0.1 msg=a\\=b c\\\\d\\nline two cs1Label=policy cs1=default",
    );
    expect(e).toMatchObject({ vendor: "Ven|dor", product: "Pro\\duct", name: "Name with = sign", severity: 8 });
    expect(e.extension).toEqual({ src: "10.0.0.1", msg: "a=b c\\d\nline two", cs1Label: "policy", cs1: "default" });
    expect(e.labeled).toEqual({ policy: "default" });
  });

  it.each([
    ["an unescaped = in a value", "CEF:0|V|P|1|s|n|5|msg=a=b", /unescaped =/],
    ["a raw line break", "CEF:0|V|P|1|s|n|5|msg=a\nb", /raw line break/],
    ["an escape the header does not know", "CEF:0|V\\=|P|1|s|n|5|k=v", /only \\\| and \\\\/],
    ["an escape values do not know", "CEF:0|V|P|1|s|n|5|k=a\\|b", /not a CEF escape/],
    ["a severity of 11", "CEF:0|V|P|1|s|n|11|k=v", /Severity "11"/],
    ["a header with six fields", "CEF:0|V|P|1|s|n", /7 \|-separated fields/],
    ["a key that appears twice", "CEF:0|V|P|1|s|n|5|k=v k=w", /appears twice/],
  ])("refuses %s", (_what, text, reason) => {
    expect(() => parseCef(text)).toThrow(reason);
  });
});

describe("parseLeef", () => {
  it("reads LEEF 1.0 (tabs) and LEEF 2.0 with a declared delimiter, as a character or in hex", () => {
    expect(parseLeef("LEEF:1.0|V|P|1|E|src=1.2.3.4\tmsg=a=b").attributes).toEqual({ src: "1.2.3.4", msg: "a=b" });
    expect(parseLeef("LEEF:2.0|V|P|1|E|^|a=1^b=2")).toMatchObject({ delimiter: "^", attributes: { a: "1", b: "2" } });
    expect(parseLeef("LEEF:2.0|V|P|1|E|x09|a=1\tb=2").attributes).toEqual({ a: "1", b: "2" });
  });

  it("refuses an attribute without a key, and a raw line break", () => {
    expect(() => parseLeef("LEEF:1.0|V|P|1|E|a=1\tnonsense")).toThrow(/not key=value/);
    expect(() => parseLeef("LEEF:1.0|V|P|1|E|a=1\nb=2")).toThrow(/line break/);
  });
});

describe("SyslogDeframer", () => {
  it("splits octet-counted frames however the bytes arrive (MSG-LEN counts bytes), and LF-ended ones", () => {
    const d = new SyslogDeframer(1000);
    const wire = Buffer.from("5 <1>1 7 <2>1 é<3>1 x\n");
    const frames = [...wire].flatMap((b) => d.push(Buffer.from([b])));
    expect(frames.map((f) => [f.framing, f.message.toString()])).toEqual([
      ["octet-counting", "<1>1 "],
      ["octet-counting", "<2>1 é"],
      ["non-transparent", "<3>1 x"],
    ]);
    expect(d.buffered).toBe(0);
  });

  it("refuses MSG-LEN with a leading zero, above the limit, and a frame starting with neither", () => {
    expect(() => new SyslogDeframer(100).push(Buffer.from("05 <1>1 "))).toThrow(/leading zeros/);
    expect(() => new SyslogDeframer(100).push(Buffer.from("101 <1>"))).toThrow(/above the receiver's limit/);
    expect(() => new SyslogDeframer(100).push(Buffer.from("x"))).toThrow(/neither MSG-LEN/);
    expect(() => new SyslogDeframer(100, "octet-counting").push(Buffer.from("<1>1 -\n"))).toThrow(/expected octet-counting/);
  });
});
