// Boundary fixture: linted as a file in src/charts/ by test/lint-boundaries.test.ts (ignored otherwise).
// What a primitive may import: React, visx, motion and its own package.
import { curveMonotoneX } from "@visx/curve";
import { spring } from "motion/react";
import { useMemo } from "react";
import { thresholdBands } from "../charts/levels";

export const useBands = () => useMemo(() => [thresholdBands(0, 1, null, null), curveMonotoneX, spring], []);
