import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const valid = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'x'.repeat(32),
};

describe('loadConfig', () => {
  it('fills defaults for everything optional', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(8120);
    expect(config.OSMAND_PORT).toBe(5055);
    expect(config.DEMO).toBe(false);
  });

  it('names every bad variable in one clear message', () => {
    expect(() => loadConfig({ ...valid, DATABASE_URL: 'mysql://x', PORT: 'eighty', JWT_SECRET: 'short' })).toThrowError(
      ConfigError,
    );
    try {
      loadConfig({ ...valid, DATABASE_URL: 'mysql://x', PORT: 'eighty', JWT_SECRET: 'short' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('DATABASE_URL');
      expect(message).toContain('PORT');
      expect(message).toContain('JWT_SECRET must be at least 32 characters');
    }
  });

  it('runs every part of the server unless PROCESS_ROLES names some, and names PROCESS_ROLES when one is unknown', () => {
    expect([...loadConfig(valid).PROCESS_ROLES].sort()).toEqual(['ingest', 'realtime', 'web', 'workers']);
    expect([...loadConfig({ ...valid, PROCESS_ROLES: 'workers, ingest' }).PROCESS_ROLES]).toEqual(['workers', 'ingest']);
    expect(() => loadConfig({ ...valid, PROCESS_ROLES: 'web,cron' })).toThrowError(/PROCESS_ROLES/);
    expect(() => loadConfig({ ...valid, PROCESS_ROLES: '' })).toThrowError(/PROCESS_ROLES/);
  });

  it('takes the tiles as WGS-84 unless told they are GCJ-02, and names TILE_COORDINATES when it is neither', () => {
    expect(loadConfig(valid).TILE_COORDINATES).toBe('wgs84');
    expect(loadConfig({ ...valid, TILE_COORDINATES: 'gcj02' }).TILE_COORDINATES).toBe('gcj02');
    expect(() => loadConfig({ ...valid, TILE_COORDINATES: 'bd09' })).toThrowError(/TILE_COORDINATES/);
  });

  it('derives the public URL from HOST and PORT unless PUBLIC_URL is set, and refuses one that is not http(s)', () => {
    expect(loadConfig(valid).PUBLIC_URL).toBe('http://127.0.0.1:8120');
    expect(loadConfig({ ...valid, HOST: '0.0.0.0', PORT: '9000' }).PUBLIC_URL).toBe('http://127.0.0.1:9000');
    expect(loadConfig({ ...valid, PUBLIC_URL: 'https://dispatch.example.org/' }).PUBLIC_URL).toBe('https://dispatch.example.org');
    expect(() => loadConfig({ ...valid, PUBLIC_URL: 'javascript:alert(1)' })).toThrowError(/PUBLIC_URL/);
  });

  it('rejects a missing Redis URL', () => {
    expect(() => loadConfig({ ...valid, REDIS_URL: undefined })).toThrowError(/REDIS_URL/);
  });
});
