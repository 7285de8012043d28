import { inMemoryEventStore } from '../memory/in-memory-event-store';
import { inMemoryKeyStore } from '../memory/in-memory-key-store';
import { runDemo } from './main';

it('the demo creates, changes and replays an archive, refuses a no-op update, and verifies the chain', async () => {
  const lines: string[] = [];
  expect(await runDemo(inMemoryEventStore(), inMemoryKeyStore(), (s) => lines.push(s))).toBe(true);
  const out = lines.join('\n');
  expect(out).toMatch(/UpdateArchive: refused — the update changes nothing/);
  expect(out).toMatch(/company\.address: "上海市浦东新区张江路 88 号" → "上海市闵行区莘庄工业区 1 号"/);
  expect(out).toMatch(/Hash chain verified: 5 events/);
});
