// Which database failures a person is told to retry (503 with Retry-After) and which stay
// our fault (500): the HTTP layer answers by isUnavailableError (decision 028).
import { describe, expect, it } from "vitest";
import { isUnavailableError } from "./db.server";

const pgError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isUnavailableError", () => {
  it("counts the database unreachable or too busy, where nothing was committed", () => {
    expect(isUnavailableError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isUnavailableError(pgError("terminating connection due to administrator command", "57P01"))).toBe(true);
    expect(isUnavailableError(pgError("the database system is starting up", "57P03"))).toBe(true);
    expect(isUnavailableError(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isUnavailableError(new Error("Connection terminated due to connection timeout"))).toBe(true);
    expect(isUnavailableError(pgError("canceling statement due to statement timeout", "57014"))).toBe(true);
    expect(isUnavailableError(pgError("sorry, too many clients already", "53300"))).toBe(true);
    expect(isUnavailableError(pgError("could not serialize access due to concurrent update", "40001"))).toBe(true);
    expect(isUnavailableError(pgError("deadlock detected", "40P01"))).toBe(true);
  });

  it("leaves our own faults and refusals alone", () => {
    expect(isUnavailableError(pgError('relation "no_such_table" does not exist', "42P01"))).toBe(false);
    expect(isUnavailableError(pgError("duplicate key value violates unique constraint", "23505"))).toBe(false);
    expect(isUnavailableError(pgError("new row violates row-level security policy", "42501"))).toBe(false);
    expect(isUnavailableError(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isUnavailableError(null)).toBe(false);
    expect(isUnavailableError("57014")).toBe(false);
  });
});
