import { describe, expect, it } from "vitest";

import { FALLBACK } from "../src/config";
import { applySchedule } from "../src/layout/session";

const fresh = () => ({ ...FALLBACK.session });

describe("applySchedule", () => {
  it("takes the portal's ISO expiry, extendable and expiring", () => {
    const session = fresh();
    const expiring = applySchedule(session, {
      status: "running",
      started: "2030-01-01T00:00:00Z",
      expires: "2030-01-01T01:00:00Z",
      expiring: true,
      extendable: true,
    });
    expect(session.expires).toBe(Date.parse("2030-01-01T01:00:00Z") / 1000);
    expect(session.extendable).toBe(true);
    expect(expiring).toBe(true);
  });

  it("leaves the session alone for {} (no portal login) and unreadable fields", () => {
    const session = fresh();
    expect(applySchedule(session, {})).toBe(false);
    expect(session.expires).toBeNull();
    applySchedule(session, { expires: "not a date", extendable: "yes" });
    expect(session.expires).toBeNull();
    expect(session.extendable).toBe(false);
  });

  it("keeps a known expiry when a later answer has none", () => {
    const session = fresh();
    applySchedule(session, { expires: 1_900_000_000 });
    applySchedule(session, { status: "running" });
    expect(session.expires).toBe(1_900_000_000);
  });
});
