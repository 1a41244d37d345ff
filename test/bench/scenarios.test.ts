import { describe, expect, it } from 'vitest';
import type { Fixtures } from '../../bench/fixtures';
import { coldScenarioFor, createScenarios } from '../../bench/scenarios';
import { functionNames, routeKey, routes } from '../../shared/routes';

// Building the scenarios calls no fixture: each builds its request only when the bench asks for one.
const scenarios = createScenarios({} as Fixtures, { express: '', standard: '', webhookAccounts: [] });

describe('bench scenarios', () => {
  it('has exactly one per route in the table, so a new route is timed, counted and priced', () => {
    expect(scenarios.map(({ route }) => routeKey(route)).sort()).toEqual(routes.map(routeKey).sort());
  });

  it.each(functionNames)("measures %s's cold start with a request to one of its own routes", (name) => {
    expect(coldScenarioFor(scenarios, name).route.function).toBe(name);
  });
});
