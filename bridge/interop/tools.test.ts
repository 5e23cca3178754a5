import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findTool, requireTool, runTool, runToolOk } from './tools.js';

describe('interop tool runner', () => {
  it('finds tools on PATH and names the package of a missing one', () => {
    assert.match(findTool('sh') ?? '', /\/sh$/);
    assert.equal(findTool('kyotsu-no-such-tool'), undefined);
    assert.throws(() => requireTool('kyotsu-no-such-tool'), /kyotsu-no-such-tool is not installed: apt-get install -y kyotsu-no-such-tool/);
  });

  it('collects stdout, stderr and the exit code, feeding stdin', async () => {
    const result = await runTool('sh', ['-c', 'cat; echo oops >&2; exit 3'], { input: 'hello' });
    assert.deepEqual({ code: result.code, stdout: result.stdout, stderr: result.stderr }, { code: 3, stdout: 'hello', stderr: 'oops\n' });
    await assert.rejects(runToolOk('sh', ['-c', 'echo bad; exit 1']), /sh -c 'echo bad; exit 1' exited 1[\s\S]*bad/);
  });

  it('kills a tool that hangs at the timeout', async () => {
    const result = await runTool('sh', ['-c', 'exec sleep 30'], { timeoutMs: 200 });
    assert.equal(result.code, null);
  });
});
