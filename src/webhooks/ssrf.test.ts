import { describe, expect, it } from 'vitest';
import { addressFault, ipLiteral, urlFault } from './ssrf.ts';

const strict = { allowPrivate: false };
const local = { allowPrivate: true };

describe('urlFault', () => {
  it.each([
    // [url, refused by default?, refused with allowPrivate?]
    ['https://hooks.example.org/truce', false, false],
    ['https://hooks.example.org:8443/a?b=c', false, false],
    ['https://8.8.8.8/x', false, false],
    ['https://[2001:4860:4860::8888]/x', false, false],
    ['http://hooks.example.org/truce', true, false],
    ['ftp://hooks.example.org/', true, true],
    ['file:///etc/passwd', true, true],
    ['gopher://hooks.example.org/', true, true],
    ['not a url', true, true],
    ['/relative/path', true, true],
    ['https://user:pass@hooks.example.org/', true, true],
    ['https://hooks.example.org/#frag', true, true],
    ['https://localhost/', true, false],
    ['https://api.localhost/', true, false],
    ['https://printer/', true, false],
    ['https://db.internal/', true, false],
    ['https://127.0.0.1/', true, false],
    ['https://127.1/', true, false], // the URL parser reads 127.1 as 127.0.0.1
    ['https://2130706433/', true, false], // and a decimal number as an IPv4 address
    ['https://0x7f.0.0.1/', true, false],
    ['https://[::1]/', true, false],
    ['https://[::ffff:127.0.0.1]/', true, false], // IPv4-mapped
    ['https://10.0.0.5/', true, false],
    ['https://172.16.3.4/', true, false],
    ['https://192.168.1.1/', true, false],
    ['https://100.64.0.1/', true, false], // shared address space (CGNAT)
    ['https://169.254.10.10/', true, false], // link-local
    ['https://[fe80::1]/', true, false],
    ['https://[fd12:3456::1]/', true, false], // unique local
    ['https://169.254.169.254/latest/meta-data/', true, true], // cloud metadata: never
    ['https://[fd00:ec2::254]/', true, true],
    ['https://100.100.100.200/', true, true],
    ['https://metadata.google.internal/', true, true],
    ['https://0.0.0.0/', true, true],
    ['https://224.0.0.1/', true, true], // multicast
    ['https://255.255.255.255/', true, true],
    ['https://[64:ff9b::a00:1]/', true, true], // NAT64 of 10.0.0.1
    ['https://[2002:a00:1::]/', true, true], // 6to4 of 10.0.0.1
    [`https://hooks.example.org/${'a'.repeat(2100)}`, true, true],
  ])('%s', (url, strictRefused, localRefused) => {
    expect(urlFault(url, strict) !== null, `default: ${urlFault(url, strict)}`).toBe(strictRefused);
    expect(urlFault(url, local) !== null, `allowPrivate: ${urlFault(url, local)}`).toBe(localRefused);
  });

  it('says why, in words', () => {
    expect(urlFault('http://hooks.example.org/', strict)).toBe('must be an https URL');
    expect(urlFault('https://10.0.0.5/', strict)).toMatch(/private address/);
    expect(urlFault('https://169.254.169.254/', local)).toMatch(/metadata/);
  });
});

describe('addressFault (the resolved address, at delivery time)', () => {
  it.each([
    ['93.184.216.34', null, null],
    ['2606:2800:220:1:248:1893:25c8:1946', null, null],
    ['127.0.0.1', 'loopback', null],
    ['::1', 'loopback', null],
    ['::ffff:10.1.1.1', 'private', null],
    ['192.168.0.1', 'private', null],
    ['169.254.169.254', 'metadata', 'metadata'],
    ['fe80::abcd', 'linkLocal', null],
    ['0.0.0.0', 'unspecified', 'unspecified'],
    ['ff02::1', 'multicast', 'multicast'],
    ['nonsense', 'not an IP', 'not an IP'],
  ])('%s', (ip, strictWord, localWord) => {
    const s = addressFault(ip, strict);
    const l = addressFault(ip, local);
    if (strictWord === null) expect(s).toBeNull();
    else expect(s).toContain(strictWord);
    if (localWord === null) expect(l).toBeNull();
    else expect(l).toContain(localWord);
  });
});

describe('ipLiteral', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['hooks.example.org', null],
    ['1.2.3.4.nip.io', null],
  ])('%s', (host, want) => expect(ipLiteral(host)).toBe(want));
});
