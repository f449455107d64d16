import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { linkSignals } from "./linked-signal.ts";

describe("linkSignals", () => {
  it("aborts with the reason of whichever source aborts, already aborted ones included", () => {
    for (const which of [0, 1, 2]) {
      const sources = [new AbortController(), new AbortController(), new AbortController()];
      const linked = linkSignals(sources.map((source) => source.signal));
      expect(linked.signal.aborted).toBe(false);
      sources[which]?.abort(`reason ${which}`);
      expect(linked.signal.reason).toBe(`reason ${which}`);
    }
    const gone = new AbortController();
    gone.abort("early");
    expect(linkSignals([new AbortController().signal, gone.signal]).signal.reason).toBe("early");
  });

  it("leaves no listener on a source once unlinked, aborted or fired, and ignores it afterwards", () => {
    const source = new AbortController();
    const first = linkSignals([source.signal]);
    const second = linkSignals([source.signal]);
    const third = linkSignals([source.signal]);
    expect(getEventListeners(source.signal, "abort")).toHaveLength(3);
    first.unlink();
    second.abort("own deadline");
    expect(getEventListeners(source.signal, "abort")).toHaveLength(1);
    source.abort("owner");
    expect(getEventListeners(source.signal, "abort")).toHaveLength(0);
    expect([first.signal.aborted, second.signal.reason, third.signal.reason]).toEqual([
      false,
      "own deadline",
      "owner",
    ]);
  });
});
