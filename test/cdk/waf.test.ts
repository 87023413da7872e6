/**
 * The front door's web ACL: only submissions count toward the per-address limit, listed partner
 * networks are not counted, a flood guard counts everything, and a refused referrer reads the duty
 * lines. The rules are read from the synthesized template, with and without `partnerCidrs`; the
 * patterns and pages they are built from are checked directly too. Both syntheses run cdk-nag's packs
 * (synthMashApp throws on any open finding), so the partner IP sets add none.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkedSubmissionRoutes,
  partnerCidrsFromContext,
  partnerNetworks,
  rateLimitedJson,
  rateLimitedPage,
} from '../../lib/front-door.ts';
import { createMashApp } from '../../lib/mash-app.ts';
import { dutyLines } from '../../src/pages/refer/duty-lines.ts';
import { API_LIMITS } from '../../src/resources.ts';
import { routes } from '../../src/routes.ts';
import { cdkContext, logicalId, type SynthResult, synthMashApp } from './support.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by the assertions
type Json = any;

const PHONE_NUMBERS = Object.values(dutyLines);
const PATH_TRANSFORMATIONS = [
  { Priority: 0, Type: 'URL_DECODE' },
  { Priority: 1, Type: 'NORMALIZE_PATH' },
  { Priority: 2, Type: 'LOWERCASE' },
];
/** Exactly the four submission routes, with and without the stage, trailing slashes allowed. */
const SUBMISSION_PATHS =
  '^/api/referrals/*$|^/prod/api/referrals/*$|^/api/feedback/*$|^/prod/api/feedback/*$|' +
  '^/refer/check-answers/*$|^/prod/refer/check-answers/*$|^/feedback/*$|^/prod/feedback/*$';
const SUBMITTED = {
  AndStatement: {
    Statements: [
      {
        ByteMatchStatement: {
          FieldToMatch: { Method: {} },
          PositionalConstraint: 'EXACTLY',
          SearchString: 'POST',
          TextTransformations: [{ Priority: 0, Type: 'NONE' }],
        },
      },
      {
        RegexMatchStatement: {
          FieldToMatch: { UriPath: {} },
          RegexString: SUBMISSION_PATHS,
          TextTransformations: PATH_TRANSFORMATIONS,
        },
      },
    ],
  },
};

interface Firewall {
  webAcl: Json;
  rules: Map<string, Json>;
  resources: Record<string, Json>;
}

function firewallOf(synth: SynthResult): Firewall {
  const template = Template.fromJSON(synth.assembly.getStackArtifact(synth.stack.artifactId).template);
  const resources = template.toJSON().Resources as Record<string, Json>;
  const webAcl =
    resources[logicalId(synth.stack, { node: { defaultChild: synth.stack.api.webAcl } })].Properties;
  return { webAcl, rules: new Map(webAcl.Rules.map((rule: Json) => [rule.Name, rule])), resources };
}

const ipSetsOf = (resources: Record<string, Json>) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::WAFv2::IPSet');

describe('the web ACL without listed partners', () => {
  let synth: SynthResult;
  let firewall: Firewall;
  beforeAll(() => {
    synth = synthMashApp();
    firewall = firewallOf(synth);
  });
  afterAll(() => synth?.cleanup());

  it('counts exactly the submissions of every address, over 5 minutes', () => {
    const rule = firewall.rules.get('SubmissionRateLimit');
    expect(rule.Statement.RateBasedStatement).toEqual({
      Limit: API_LIMITS.submissionsPerAddress,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'IP',
      ScopeDownStatement: SUBMITTED,
    });
    expect(API_LIMITS.submissionsPerAddress).toBe(60);
    // Only labels: the refusals come after, in the answer each caller understands.
    expect(rule.Action).toEqual({ Count: {} });
    expect(rule.RuleLabels).toEqual([{ Name: 'mash:submission-limit' }]);
  });

  it('has no partner IP sets when no partner is listed', () => {
    expect(ipSetsOf(firewall.resources)).toEqual([]);
    expect(JSON.stringify(firewall.webAcl)).not.toContain('IPSetReferenceStatement');
  });

  it('guards against a flood with a much higher limit on every request', () => {
    const rule = firewall.rules.get('FloodGuard');
    expect(rule.Statement.RateBasedStatement).toEqual({
      Limit: API_LIMITS.requestsPerAddress,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'IP',
    });
    expect(API_LIMITS.requestsPerAddress).toBeGreaterThanOrEqual(20 * API_LIMITS.submissionsPerAddress);
    expect(rule.Action).toEqual({ Count: {} });
    expect(rule.RuleLabels).toEqual([{ Name: 'mash:flood-guard' }]);
  });

  it('refuses the labelled with 429: JSON on the API, a GOV.UK page on the pages', () => {
    const refusal = (name: string) => firewall.rules.get(name).Action.Block.CustomResponse;
    const label = (key: string) => ({ LabelMatchStatement: { Scope: 'LABEL', Key: key } });
    expect(refusal('RateLimitedApi')).toEqual({ ResponseCode: 429, CustomResponseBodyKey: 'RateLimitedApi' });
    expect(firewall.rules.get('RateLimitedApi').Statement).toEqual({
      AndStatement: {
        Statements: [
          { OrStatement: { Statements: [label('mash:submission-limit'), label('mash:flood-guard')] } },
          {
            RegexMatchStatement: {
              FieldToMatch: { UriPath: {} },
              RegexString: '^/api/|^/prod/api/',
              TextTransformations: PATH_TRANSFORMATIONS,
            },
          },
        ],
      },
    });
    expect(refusal('TooManyReferrals')).toEqual({
      ResponseCode: 429,
      CustomResponseBodyKey: 'TooManyReferrals',
    });
    expect(firewall.rules.get('TooManyReferrals').Statement).toEqual(label('mash:submission-limit'));
    expect(refusal('TooManyRequests')).toEqual({
      ResponseCode: 429,
      CustomResponseBodyKey: 'TooManyRequests',
    });
    expect(firewall.rules.get('TooManyRequests').Statement).toEqual(label('mash:flood-guard'));

    const bodies = firewall.webAcl.CustomResponseBodies;
    expect(Object.keys(bodies).sort()).toEqual(['RateLimitedApi', 'TooManyReferrals', 'TooManyRequests']);
    expect(bodies.RateLimitedApi.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(bodies.RateLimitedApi.Content).error.code).toBe('RATE_LIMITED');
    for (const key of ['TooManyReferrals', 'TooManyRequests']) {
      expect(bodies[key].ContentType).toBe('TEXT_HTML');
      expect(Buffer.byteLength(bodies[key].Content)).toBeLessThan(4096);
      for (const number of PHONE_NUMBERS) expect(bodies[key].Content).toContain(number);
    }
    expect(bodies.TooManyReferrals.Content).toContain(
      '<h1>Sorry, there have been too many referrals from your network</h1>',
    );
  });

  it('labels before it refuses, and refuses before the managed rules look', () => {
    const priority = (name: string) => firewall.rules.get(name).Priority;
    const order = [
      'AWSManagedRulesAmazonIpReputationList',
      'FloodGuard',
      'SubmissionRateLimit',
      'RateLimitedApi',
      'TooManyReferrals',
      'TooManyRequests',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
    ];
    expect([...firewall.rules.keys()].sort()).toEqual([...order].sort());
    expect(order.map(priority)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('alarms when submissions are refused', () => {
    const alarms = Object.values(firewall.resources).filter(
      (resource) =>
        resource.Type === 'AWS::CloudWatch::Alarm' && resource.Properties.Namespace === 'AWS/WAFV2',
    );
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0].Properties;
    expect(alarm).toMatchObject({
      MetricName: 'CountedRequests',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
    });
    const dimensions = Object.fromEntries(alarm.Dimensions.map((d: Json) => [d.Name, d.Value]));
    expect(dimensions.Rule).toBe('MashHubSubmissionRateLimit');
    expect(JSON.stringify(dimensions.WebACL)).toContain('Fn::Split');
  });
});

describe('the web ACL with listed partners', () => {
  let synth: SynthResult;
  let firewall: Firewall;
  beforeAll(() => {
    synth = synthMashApp({}, { partnerCidrs: '203.0.113.0/24, 198.51.100.7/32,2001:DB8::/32' });
    firewall = firewallOf(synth);
  });
  afterAll(() => synth?.cleanup());

  it('keeps one IP set per version of the listed ranges', () => {
    const sets = Object.fromEntries(
      ipSetsOf(firewall.resources).map(([id, set]) => [
        set.Properties.IPAddressVersion,
        { id, ...set.Properties },
      ]),
    );
    expect(Object.keys(sets).sort()).toEqual(['IPV4', 'IPV6']);
    expect(sets.IPV4).toMatchObject({ Scope: 'REGIONAL', Addresses: ['198.51.100.7/32', '203.0.113.0/24'] });
    expect(sets.IPV6).toMatchObject({ Scope: 'REGIONAL', Addresses: ['2001:db8::/32'] });
  });

  it('does not count their submissions, but holds them to the flood guard and the managed rules', () => {
    const setArns = ipSetsOf(firewall.resources)
      .sort(([, a], [, b]) => a.Properties.IPAddressVersion.localeCompare(b.Properties.IPAddressVersion))
      .map(([id]) => ({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [id, 'Arn'] } } }));
    expect(firewall.rules.get('SubmissionRateLimit').Statement.RateBasedStatement.ScopeDownStatement).toEqual(
      {
        AndStatement: {
          Statements: [SUBMITTED, { NotStatement: { Statement: { OrStatement: { Statements: setArns } } } }],
        },
      },
    );
    expect(firewall.rules.get('FloodGuard').Statement.RateBasedStatement.ScopeDownStatement).toBeUndefined();
    for (const [name, rule] of firewall.rules) {
      if (name !== 'SubmissionRateLimit')
        expect(JSON.stringify(rule)).not.toContain('IPSetReferenceStatement');
    }
  });
});

describe('partnerCidrs', () => {
  it('fails the synthesis on a bad range, naming it and what is wrong', () => {
    const withPartners = (partnerCidrs: unknown) => () =>
      createMashApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], partnerCidrs } });
    expect(withPartners('203.0.113.0/24,not-a-cidr')).toThrow(
      /partnerCidrs: "not-a-cidr" is not a CIDR range/,
    );
    expect(withPartners(42)).toThrow(/partnerCidrs must be a comma-separated string/);
  });

  it.each([
    ['203.0.113.7', /is not a CIDR range/],
    ['203.0.113.0/33', /prefix length outside 1 to 32/],
    ['0.0.0.0/0', /prefix length outside 1 to 32/],
    ['::/0', /prefix length outside 1 to 128/],
    ['2001:db8::/129', /prefix length outside 1 to 128/],
    ['203.0.113.300/32', /does not start with an IPv4 or IPv6 address/],
    ['example.org/24', /does not start with an IPv4 or IPv6 address/],
    ['203.0.113.7/24', /bits set beyond its \/24 prefix \(its network is 203\.0\.113\.0\/24\)/],
    ['2001:db8::1/32', /bits set beyond its \/32 prefix \(its network is 2001:db8::\/32\)/],
  ])('refuses %s', (cidr, problem) => {
    expect(() => partnerNetworks([cidr])).toThrow(problem);
  });

  it('accepts IPv4 and IPv6 ranges in their usual spellings, once each', () => {
    expect(
      partnerNetworks([
        '203.0.113.0/24',
        '203.0.113.0/24',
        '2001:0DB8:0000::/48',
        '::ffff:198.51.100.0/120',
        '2001:db8:1:2:3:4:5:6/128',
      ]),
    ).toEqual({
      ipv4: ['203.0.113.0/24'],
      ipv6: ['2001:db8:1:2:3:4:5:6/128', '2001:db8::/48', '::ffff:c633:6400/120'],
    });
  });

  it('reads a comma-separated string or a list, and nothing as no partner', () => {
    expect(partnerCidrsFromContext(undefined)).toEqual([]);
    expect(partnerCidrsFromContext('')).toEqual([]);
    expect(partnerCidrsFromContext(' 203.0.113.0/24 ,2001:db8::/32,')).toEqual([
      '203.0.113.0/24',
      '2001:db8::/32',
    ]);
    expect(partnerCidrsFromContext(['203.0.113.0/24'])).toEqual(['203.0.113.0/24']);
    expect(() => partnerCidrsFromContext(['203.0.113.0/24', 7])).toThrow(/list of them/);
  });
});

describe('what counts as a submission', () => {
  /** What WAF does to the path before matching (URL_DECODE, NORMALIZE_PATH, LOWERCASE), near enough. */
  const transformed = (path: string) =>
    decodeURIComponent(path)
      .replace(/\/{2,}/g, '/')
      .replace(/\/\.(?=\/|$)/g, '')
      .toLowerCase();
  const submission = new RegExp(SUBMISSION_PATHS);

  it.each([
    '/api/referrals',
    '/prod/api/referrals',
    '/api/feedback',
    '/refer/check-answers',
    '/refer/check-answers/',
    '/prod/refer/check-answers',
    '/refer/check%2Danswers',
    '/refer//check-answers',
    '/Refer/Check-Answers',
    '/feedback',
    '/prod/feedback',
  ])('counts %s', (path) => {
    expect(submission.test(transformed(path))).toBe(true);
  });

  it.each([
    '/',
    '/prod',
    '/refer',
    '/refer/',
    '/refer/new',
    '/refer/concern',
    '/refer/people',
    '/refer/person/1',
    '/refer/confirmation',
    '/refer/check-answers/x',
    '/prod/refer/consent',
    '/assets/application.css',
    '/prod/assets/govuk-frontend.min.js',
    '/api/referrals/MASH-2026-000001/status',
    '/api/openapi.json',
    '/api/cases',
    '/feedback-sent',
    '/workbench/cases/1/triage',
    '/staging/api/referrals',
  ])('does not count %s', (path) => {
    expect(submission.test(transformed(path))).toBe(false);
  });

  it('follows src/routes.ts: a submission route that no longer exists fails the synthesis', () => {
    expect(checkedSubmissionRoutes(routes).map((route) => route.path)).toEqual([
      '/api/referrals',
      '/api/feedback',
      '/refer/check-answers',
      '/feedback',
    ]);
    const renamed = routes.filter((route) => !(route.method === 'POST' && route.resource === '/feedback'));
    expect(() => checkedSubmissionRoutes(renamed)).toThrow(/POST \/feedback reaches no public route/);
  });
});

describe('what a refused caller reads', () => {
  it.each(['referrals', 'requests'] as const)(
    'the %s page: small, self-contained, the phone route',
    (kind) => {
      const page = rateLimitedPage(kind);
      expect(Buffer.byteLength(page)).toBeLessThan(4096);
      expect(/^[\x20-\x7e]*$/.test(page)).toBe(true);
      expect(page).toContain(`<h1>Sorry, there have been too many ${kind} from your network</h1>`);
      for (const number of PHONE_NUMBERS) {
        expect(page).toContain(`<a href="tel:${number.replaceAll(' ', '')}">${number}</a>`);
      }
      expect(page).toContain('call 999');
      expect(page).not.toMatch(/<link|<script|<img|src=|url\(/);
    },
  );

  it('the API answer: the CONTRACT error shape, RATE_LIMITED, the duty lines', () => {
    const body = JSON.parse(rateLimitedJson());
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
    expect(body.error.code).toBe('RATE_LIMITED');
    for (const number of PHONE_NUMBERS) expect(body.error.message).toContain(number);
    expect(body.error.message).toContain('999');
  });
});
