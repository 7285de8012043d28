import { tempDatabase } from './testing';
import { spawnChild } from './testing/child-process';
import { masterKeyHex } from './testing/fixtures';

describe('reading stream by stream on a thread of its own (issue #4 rebuilds)', () => {
  it.each([
    ['closes the store and then ends', true],
    ['leaves the store open and still ends: an idle reader holds no process alive', false],
  ])(
    'a process that read the log stream by stream %s',
    async (_title, close) => {
      const file = tempDatabase('read-by-stream');
      try {
        const child = spawnChild('read-by-stream', { path: file.path, masterKeyHex, close });
        const exited = await child.exited;
        expect(child.lines).toEqual([
          'read archive-a:0 archive-b:0 archive-b:1',
          ...(close ? ['closed'] : []),
        ]);
        expect(exited.code).toBe(0);
      } finally {
        file.remove();
      }
    },
    30_000,
  );
});
