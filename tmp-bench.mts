import { runForumBench } from "./tests/bench/forums";
await runForumBench((bench, value, unit, extra = {}) => process.stdout.write(`${JSON.stringify({ bench, value: Math.round(value * 100) / 100, unit, ...extra })}\n`));
