import { renderTable } from './table';
import { displayWidth, truncate } from './text-width';

describe('tables', () => {
  it('line up Chinese text by the cells it takes', () => {
    expect(displayWidth('王芳 ab')).toBe(7);
    const lines = renderTable(
      ['name', 'n'],
      [
        ['王芳', '1'],
        ['Li', '22'],
      ],
      { right: [1] },
    );
    expect(lines).toEqual(['name   n', '────  ──', '王芳   1', 'Li    22']);
  });

  it('cut long cells', () => {
    expect(truncate('上海东方精密机械有限公司', 9)).toBe('上海东方…');
    expect(renderTable(['v'], [['abcdefghij']], { maxCell: 5 })[2]).toBe('abcd…');
  });
});
