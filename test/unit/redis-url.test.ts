import { describe, expect, it } from 'vitest';
import { redactUrl, redisOptions, RedisUrlError } from '../../src/main/training/redis-protocol';

describe('Redis URLs', () => {
  it('reads host, port, user, password (percent-decoded) and database; TLS for rediss', () => {
    expect(redisOptions('redis://127.0.0.1')).toEqual({ host: '127.0.0.1', port: 6379, db: 0, maxRetriesPerRequest: null });
    expect(redisOptions('rediss://lab:p%40ss%20word@redis.example.org:6380/3')).toEqual({
      host: 'redis.example.org', port: 6380, username: 'lab', password: 'p@ss word', db: 3, tls: { servername: 'redis.example.org' }, maxRetriesPerRequest: null,
    });
    expect(redisOptions('redis://:only-a-password@[::1]:7000/')).toEqual({ host: '::1', port: 7000, password: 'only-a-password', db: 0, maxRetriesPerRequest: null });
  });

  it('refuses what is not a Redis URL, saying what to write', () => {
    expect(() => redisOptions('127.0.0.1:6379')).toThrow(RedisUrlError);
    expect(() => redisOptions('localhost')).toThrow(/not a URL; write redis:\/\/\[user:password@\]host/);
    expect(() => redisOptions('localhost:6379')).toThrow('"localhost:6379" must start with redis:// or rediss://');
    expect(() => redisOptions('http://localhost:6379')).toThrow('"http://localhost:6379" must start with redis:// or rediss://');
    expect(() => redisOptions('redis://localhost/queue')).toThrow('must be a number');
  });

  it('masks the password when the URL is shown', () => {
    expect(redactUrl('redis://lab:secret@host:6379/1')).toBe('redis://lab:***@host:6379/1');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
