import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { tileImageSource } from './contentSecurityPolicy';

describe('the tile origin the Content-Security-Policy allows', () => {
  it('is the template’s scheme and host, port included', () => {
    expect(tileImageSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://tile.openstreetmap.org');
    expect(tileImageSource('http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:8081');
    expect(tileImageSource('http://[::1]:8081/{z}/{x}/{y}.png')).toBe('http://[::1]:8081');
    expect(tileImageSource('//tiles.example.cn/{z}/{x}/{y}.png')).toBe('tiles.example.cn');
  });

  it('allows every subdomain a {s} in the first label rotates through', () => {
    expect(tileImageSource('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://*.tile.openstreetmap.org');
    expect(tileImageSource('https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8')).toBe('https://*.is.autonavi.com');
  });

  it('adds nothing for tiles served by this server, or none at all', () => {
    expect(tileImageSource('/tiles/{z}/{x}/{y}.png')).toBe("'self'");
    expect(tileImageSource('')).toBe("'self'");
  });

  it('refuses what no source can express, and the configuration names TILE_URL', () => {
    for (const url of ['https://tiles.{s}.example.com/{z}.png', 'ftp://tiles.example.com/{z}.png', "https://a.com;script-src 'unsafe-inline'/x", 'tiles/{z}.png']) {
      expect(tileImageSource(url), url).toBeNull();
    }
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1/db', REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: 'x'.repeat(32), TILE_URL: 'ftp://x/{z}' }),
    ).toThrowError(/TILE_URL/);
  });
});
