import { describe, expect, it, vi } from 'vitest';

// The router module listens to the window; give it a minimal one.
vi.stubGlobal('window', { location: { pathname: '/', search: '' }, addEventListener: () => undefined });
vi.stubGlobal('document', { addEventListener: () => undefined });

const { compile, match } = await import('../../src/lib/router.svelte');

const load = async () => ({ default: (() => null) as never });

describe('router', () => {
  const table = compile([
    { path: '/', load },
    { path: '/courses/:id', load },
    { path: '/courses/:course/lessons/:id', load },
    { path: '/sessions/:id/sign-in', load },
  ]);

  it('matches paths and takes their parameters', () => {
    expect(match(table, '/')?.route.path).toBe('/');
    expect(match(table, '/courses/12')?.params).toEqual({ id: '12' });
    expect(match(table, '/courses/3/lessons/31')?.params).toEqual({ course: '3', id: '31' });
    expect(match(table, '/sessions/7/sign-in/')?.route.path).toBe('/sessions/:id/sign-in');
  });

  it('finds nothing for unknown paths', () => {
    expect(match(table, '/nope')).toBeNull();
    expect(match(table, '/courses')).toBeNull();
    expect(match(table, '/courses/1/extra')).toBeNull();
  });
});
