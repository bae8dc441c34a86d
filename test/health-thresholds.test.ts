import {
  assessHealth,
  cacheHitHealth,
  connectionHealth,
  diskSpaceHealth,
  type HealthFigures,
  indexHealth,
  worstHealth,
} from '../src/services/stats/health-thresholds';

describe('disk space: warning under 20 % free, critical under 10 %', () => {
  it.each([
    [100, 'GOOD'],
    [20.01, 'GOOD'],
    [20, 'GOOD'],
    [19.99, 'WARNING'],
    [10.01, 'WARNING'],
    [10, 'WARNING'],
    [9.99, 'CRITICAL'],
    [0, 'CRITICAL'],
  ])('%p %% free is %s', (percent, health) => {
    expect(diskSpaceHealth(percent)).toBe(health);
  });

  it('has no check without a figure', () => {
    expect(diskSpaceHealth(null)).toBeNull();
    expect(diskSpaceHealth(Number.NaN)).toBeNull();
  });
});

describe('connections: warning over 70 % of the maximum, critical over 90 %', () => {
  it.each([
    [0, 100, 'GOOD'],
    [69, 100, 'GOOD'],
    [70, 100, 'GOOD'],
    [71, 100, 'WARNING'],
    [90, 100, 'WARNING'],
    [91, 100, 'CRITICAL'],
    [100, 100, 'CRITICAL'],
    [7, 10, 'GOOD'],
    [8, 10, 'WARNING'],
    [9, 10, 'WARNING'],
    [10, 10, 'CRITICAL'],
  ])('%p of %p is %s', (active, max, health) => {
    expect(connectionHealth(active, max)).toBe(health);
  });

  it('has no check without both figures or with no maximum', () => {
    expect(connectionHealth(null, 100)).toBeNull();
    expect(connectionHealth(5, null)).toBeNull();
    expect(connectionHealth(0, 0)).toBeNull();
  });
});

describe('cache hit ratio: warning under 80 %, critical under 60 %', () => {
  it.each([
    [100, 'GOOD'],
    [80.01, 'GOOD'],
    [80, 'GOOD'],
    [79.99, 'WARNING'],
    [60.01, 'WARNING'],
    [60, 'WARNING'],
    [59.99, 'CRITICAL'],
    [0, 'CRITICAL'],
  ])('%p %% is %s', (ratio, health) => {
    expect(cacheHitHealth(ratio)).toBe(health);
  });

  it('has no check before the first read', () => {
    expect(cacheHitHealth(null)).toBeNull();
  });
});

describe('index health', () => {
  it.each([
    [[], 'GOOD'],
    [['UNUSED'], 'WARNING'],
    [['UNUSED', 'UNUSED'], 'WARNING'],
    [['UNUSED', 'INVALID'], 'CRITICAL'],
    [['INTEGRITY'], 'CRITICAL'],
  ] as const)('%p is %s', (problems, health) => {
    expect(indexHealth([...problems])).toBe(health);
  });

  it('has no check when none ran', () => {
    expect(indexHealth(null)).toBeNull();
  });
});

describe('overall health', () => {
  const none: HealthFigures = {
    diskFreePercent: null,
    activeConnections: null,
    maxConnections: null,
    cacheHitRatio: null,
    indexProblems: null,
  };

  it('is the worst of the checks', () => {
    expect(worstHealth(['GOOD', 'WARNING', 'GOOD'])).toBe('WARNING');
    expect(worstHealth(['WARNING', 'CRITICAL', 'GOOD'])).toBe('CRITICAL');
    expect(worstHealth(['GOOD', null, 'GOOD'])).toBe('GOOD');
  });

  it('is GOOD when no figure is known: a missing figure is never a fault', () => {
    expect(assessHealth(none)).toEqual({
      health: 'GOOD',
      checks: { diskSpace: null, activeConnections: null, cacheHitRatio: null, indexHealth: null },
    });
  });

  it('maps each figure to its check', () => {
    const { health, checks } = assessHealth({
      diskFreePercent: 15,
      activeConnections: 95,
      maxConnections: 100,
      cacheHitRatio: 99,
      indexProblems: [],
    });

    expect(checks).toEqual({
      diskSpace: 'WARNING',
      activeConnections: 'CRITICAL',
      cacheHitRatio: 'GOOD',
      indexHealth: 'GOOD',
    });
    expect(health).toBe('CRITICAL');
  });
});
