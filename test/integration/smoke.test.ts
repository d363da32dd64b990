import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp('pglite'); });
  afterAll(async () => t?.close());

  it('creates and reads a profile', async () => {
    const h = await t.admin();
    const src = await t.app.inject({ method: 'POST', url: '/v3/sources', headers: h, payload: { name: 'HR' } });
    expect(src.statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: '/v3/identity-profiles', headers: h, payload: { name: 'Employees', authoritativeSource: { type: 'SOURCE', id: src.json().id } } });
    console.log(res.statusCode, res.body);
    expect(res.statusCode).toBe(201);
    const list = await t.app.inject({ method: 'GET', url: '/v3/identity-profiles?filters=name%20sw%20%22emp%22&count=true', headers: h });
    console.log(list.statusCode, list.headers['x-total-count'], list.body);
    const del = await t.app.inject({ method: 'DELETE', url: `/v3/identity-profiles/${res.json().id}`, headers: h });
    console.log(del.statusCode, del.body);
    for (let i = 0; i < 50; i++) {
      const st = await t.app.inject({ method: 'GET', url: `/v3/task-status/${del.json().id}`, headers: h });
      if (st.json().completed) { console.log(st.body); break; }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
