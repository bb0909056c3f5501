import { ageLong, ageShort, countdown, hhmmss } from "./format";

describe("format", () => {
  it("formats operator times and ages", () => {
    expect(hhmmss(Date.UTC(2025, 0, 1, 14, 32, 7))).toBe("14:32:07");
    expect(ageShort(45_000)).toBe("45s");
    expect(ageShort(125_000)).toBe("2m");
    expect(ageLong(122_000)).toBe("2m 02s");
    expect(countdown(761_000)).toBe("12:41");
    expect(countdown(-5)).toBe("00:00");
  });
});
