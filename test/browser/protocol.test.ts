import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { isSafeLink, parseHubMessage } from '../../src/core/protocol.js';

describe('protocol in the browser', () => {
  it('accepts only http and https links', () => {
    expect(isSafeLink('https://example.com/a')).to.equal(true);
    expect(isSafeLink('javascript:alert(1)')).to.equal(false);
    expect(isSafeLink('JaVaScRiPt:alert(1)')).to.equal(false);
    expect(isSafeLink('data:text/html,<script>alert(1)</script>')).to.equal(false);
  });

  it('refuses a binary or malformed frame with a reason', () => {
    const binary = parseHubMessage(new ArrayBuffer(4));
    expect(binary.ok).to.equal(false);
    const broken = parseHubMessage('{"type":');
    expect(broken.ok ? '' : broken.error).to.equal('frame is not valid JSON');
  });

  it('reaches Node through a server command', async () => {
    expect(await executeServerCommand('ping')).to.deep.equal({ pong: true });
  });
});
