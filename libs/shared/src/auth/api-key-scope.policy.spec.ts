import { apiKeyScopesAllow, requiredApiKeyScope } from './api-key-scope.policy';

describe('API key scope rules', () => {
  it('asks <area>:read of GET and HEAD, <area>:write of every other method, and nothing of a closed route', () => {
    const route = { area: 'billing' as const };
    expect(requiredApiKeyScope(route, 'GET')).toBe('billing:read');
    expect(requiredApiKeyScope(route, 'head')).toBe('billing:read');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(requiredApiKeyScope(route, method)).toBe('billing:write');
    }
    expect(requiredApiKeyScope({ area: 'billing', access: 'read' }, 'POST')).toBe('billing:read');
    expect(requiredApiKeyScope(undefined, 'GET')).toBeNull();
  });

  it('lets write include read in its own area only, and matches scopes exactly', () => {
    expect(apiKeyScopesAllow(['billing:write'], 'billing:read')).toBe(true);
    expect(apiKeyScopesAllow(['billing:write'], 'billing:write')).toBe(true);
    expect(apiKeyScopesAllow(['billing:read'], 'billing:write')).toBe(false);
    expect(apiKeyScopesAllow(['billing:write'], 'proxy:read')).toBe(false);
    expect(apiKeyScopesAllow(['Billing:read', 'billing:read ', 'billing'], 'billing:read')).toBe(false);
    expect(apiKeyScopesAllow([], 'sms:read')).toBe(false);
  });
});
