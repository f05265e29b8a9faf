import type { TestProject } from 'vitest/node';
import { buildPage, servePage } from './harness';

/** Build once, serve the build for every e2e file, stop the server at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.E2E_SKIP_BUILD !== '1') await buildPage();
  const served = await servePage();
  project.provide('baseUrl', served.url);
  return () => served.close();
}
