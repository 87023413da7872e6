import { ArnFormat, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnIPSet, CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  badRequest,
  forbidden,
  internalError,
  notFound,
  payloadTooLarge,
  unauthorized,
} from '../src/http/errors.ts';
import { API_SECURITY_HEADERS } from '../src/http/security-headers.ts';
import { API_LIMITS, type FunctionName, LOG_RETENTION_DAYS, limits } from '../src/resources.ts';
import type { RouteDefinition } from '../src/routes.ts';
import type { Alerts } from './alerts.ts';
import { acknowledge } from './compliance.ts';
import {
  apiPathPattern,
  checkedSubmissionRoutes,
  exactPathsPattern,
  PATH_TRANSFORMATIONS,
  type PartnerNetworks,
  partnerNetworks,
  rateLimitedJson,
  rateLimitedPage,
} from './front-door.ts';
import type { HubFunction } from './hub-function.ts';

export interface HubApiProps {
  readonly routes: readonly RouteDefinition[];
  /** The function behind each route's `fn`. */
  readonly handlers: ReadonlyMap<FunctionName, HubFunction>;
  /** Its tokens are what the authorizer accepts on every route that is not public. */
  readonly userPool: IUserPool;
  readonly logKey: IKey;
  readonly alerts?: Alerts;
  /** Defaults to `prod`; part of every URL on the execute-api endpoint. */
  readonly stageName?: string;
  /** Steady requests per second and burst the stage accepts before answering 429. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Partner networks (CIDR ranges, IPv4 or IPv6) whose submissions WAF does not count toward the
   * per-address submission limit; the managed rules and the flood guard still apply to them.
   */
  readonly partnerCidrs?: readonly string[];
  readonly logRetention?: RetentionDays;
}

/** API Gateway's own answers carry the same security headers as the handlers' (src/http/api.ts), quoted as it wants them. */
const JSON_HEADERS = {
  'Content-Type': "'application/json'",
  ...Object.fromEntries(
    Object.entries(API_SECURITY_HEADERS).map(([name, value]) => [name, `'${value.replaceAll("'", "''")}'`]),
  ),
};

/**
 * The access log: who called which route, when, with what result. Never a body, a query string (the
 * status route's receipt token travels there) or a concrete path (it names a case): only the route's
 * resource template.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTimeEpoch',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  principal: '$context.authorizer.claims.sub',
  wafStatus: '$context.waf.status',
  xrayTraceId: '$context.xrayTraceId',
};

/**
 * The hub's front door, the whole API (JSON routes and pages): a regional REST API built from src/routes.ts. Each route's resource becomes a
 * path (`{param}` and `{param+}` included) with a Lambda proxy integration to its function; every route
 * not open to the public sits behind the Cognito authorizer. API Gateway's own refusals (401, 403, an
 * unknown route's 404, 413, 429, 5xx) answer in the CONTRACT's error shape. The stage is throttled,
 * traced, access-logged as JSON to an encrypted log group and guarded by a WAF web ACL with AWS managed
 * rules, a per-address limit on submissions (listed partner networks exempt) and a flood guard.
 */
export class HubApi extends Construct {
  readonly restApi: RestApi;
  readonly stageName: string;
  readonly webAcl: CfnWebACL;
  readonly authorizer: CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: HubApiProps) {
    super(scope, id);
    this.stageName = props.stageName ?? 'prod';
    const logRetention = props.logRetention ?? (LOG_RETENTION_DAYS.api as RetentionDays);
    const throttle = props.throttle ?? { rateLimit: API_LIMITS.rateLimit, burstLimit: API_LIMITS.burstLimit };

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      encryptionKey: props.logKey,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new RestApi(this, 'Api', {
      description: 'MASH hub: referrals, cases and pages',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // The account-level role API Gateway needs to write execution logs.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      // GOV.UK Frontend's images and fonts leave the pages function base64-encoded.
      binaryMediaTypes: ['image/*', 'font/*'],
      deployOptions: {
        stageName: this.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        // Execution logs at INFO with data tracing would hold request bodies: never.
        dataTraceEnabled: false,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    const stage = this.restApi.deploymentStage;
    acknowledge(
      stage,
      'APIGWCacheEnabledAndEncrypted',
      ['HIPAA.Security', 'NIST.800.53.R5'],
      'No stage cache, deliberately: the responses are case records, agency requests and pages for one ' +
        "signed-in person, and API Gateway's cache keys leave out the Authorization header and cookies by " +
        "default, so a cache could hand one person's safeguarding data to another. The handlers mark every " +
        'response but the static assets Cache-Control: no-store.',
    );
    acknowledge(
      stage,
      'APIGWSSLEnabled',
      ['HIPAA.Security', 'NIST.800.53.R5'],
      'A stage client certificate authenticates API Gateway to HTTP backends. Every integration here is a ' +
        'Lambda proxy integration, which API Gateway calls through the Lambda API over TLS, signed with ' +
        'its own credentials: there is no backend to present a certificate to. Callers reach the stage over ' +
        'HTTPS only.',
    );

    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-level logging role: AWS maintains this policy for exactly this role, which only " +
          'apigateway.amazonaws.com can assume.',
      });
    }

    // API Gateway would create the execution log group itself, unencrypted and kept forever.
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${this.stageName}`,
      encryptionKey: props.logKey,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: 'method.request.header.Authorization',
      resultsCacheTtl: Duration.minutes(5),
    });

    // Attached to every method, so a required parameter or a body model added later takes effect. No body
    // model today: API Gateway's own 400 would answer before the handlers could give a body over 256 KiB
    // its 413, or list every invalid field in `details` (CONTRACT.md); the handlers validate bodies.
    const validator = this.restApi.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    this.addRoutes(props.routes, props.handlers, validator);
    this.addGatewayResponses();
    this.webAcl = this.addFirewall(props.routes, partnerNetworks(props.partnerCidrs ?? []), props.logKey);

    if (props.alerts) {
      props.alerts.whenAboveZero(
        this,
        'ServerErrors',
        this.restApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        'The hub API answered 5xx',
      );
      // The front door turned someone away: a partner to list in partnerCidrs, or a flood.
      props.alerts.whenAboveZero(
        this,
        'SubmissionsRefused',
        new Metric({
          namespace: 'AWS/WAFV2',
          metricName: 'CountedRequests',
          dimensionsMap: {
            // A web ACL's Ref is `name|id|scope`.
            WebACL: Fn.select(0, Fn.split('|', this.webAcl.ref)),
            Region: Stack.of(this).region,
            Rule: `MashHub${SUBMISSION_RULE}`,
          },
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
        'WAF refused submissions from a network over the per-address limit: a partner to list in partnerCidrs, or a flood',
      );
    }
  }

  /**
   * The URL of a path on the stage, built from the API id and the stage's name rather than the stage
   * itself: the user pool client's callback URLs need it, and the functions behind the stage need the client.
   */
  urlForPath(path: string): string {
    const stack = Stack.of(this);
    return `https://${this.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${this.stageName}${path}`;
  }

  private addRoutes(
    routes: readonly RouteDefinition[],
    handlers: ReadonlyMap<FunctionName, HubFunction>,
    validator: RequestValidator,
  ): void {
    const integrations = new Map<FunctionName, LambdaIntegration>();
    for (const route of routes) {
      const handler = handlers.get(route.fn);
      if (!handler) throw new Error(`No function ${route.fn} for ${route.method} ${route.resource}`);
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new LambdaIntegration(handler, { proxy: true, allowTestInvoke: false });
        integrations.set(route.fn, integration);
        handler.invokedBy('api');
      }
      const resource: IResource =
        route.resource === '/' ? this.restApi.root : this.restApi.root.resourceForPath(route.resource);
      const isPublic = route.access === 'public';
      const method = resource.addMethod(route.method, integration, {
        requestValidator: validator,
        ...(isPublic
          ? { authorizationType: AuthorizationType.NONE }
          : { authorizationType: AuthorizationType.COGNITO, authorizer: this.authorizer }),
      });
      if (isPublic) {
        const reason =
          `${route.method} ${route.resource} is public by design (CONTRACT.md): anyone may refer, follow a referral ` +
          'with its receipt token or give feedback, and the pages check their own session cookie.';
        Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
      }
    }
  }

  /** API Gateway's own refusals, in the error shape every handler uses (src/http/errors.ts). */
  private addGatewayResponses(): void {
    const fixed: Array<[string, ResponseType, string, { toBody(): unknown }, Record<string, string>?]> = [
      ['Unauthorized', ResponseType.UNAUTHORIZED, '401', unauthorized(), { 'WWW-Authenticate': "'Bearer'" }],
      ['AccessDenied', ResponseType.ACCESS_DENIED, '403', forbidden()],
      ['WafFiltered', ResponseType.of('WAF_FILTERED'), '403', forbidden('The request was refused.')],
      // API Gateway calls an unknown route (or method) a missing token; the CONTRACT calls it 404.
      ['UnknownRoute', ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', notFound()],
      ['ResourceNotFound', ResponseType.RESOURCE_NOT_FOUND, '404', notFound()],
      ['RequestTooLarge', ResponseType.REQUEST_TOO_LARGE, '413', payloadTooLarge(limits.maxBodyBytes)],
      // Only for a model added later; API Gateway's own message may hold unescaped quotes.
      [
        'BadRequestBody',
        ResponseType.BAD_REQUEST_BODY,
        '400',
        badRequest('The request body is not valid for this route.'),
      ],
      [
        'BadRequestParameters',
        ResponseType.BAD_REQUEST_PARAMETERS,
        '400',
        badRequest('A required parameter is missing.'),
      ],
      ['Default5xx', ResponseType.DEFAULT_5XX, '', internalError()],
    ];
    for (const [id, type, statusCode, error, headers] of fixed) {
      this.restApi.addGatewayResponse(id, {
        type,
        ...(statusCode ? { statusCode } : {}),
        responseHeaders: { ...JSON_HEADERS, ...headers },
        templates: { 'application/json': JSON.stringify(error.toBody()) },
      });
    }
    // API Gateway's message is passed on where it tells the caller what to fix.
    const passedOn: Array<[string, ResponseType, string, string, string]> = [
      ['Throttled', ResponseType.THROTTLED, '429', 'TOO_MANY_REQUESTS', '$context.error.messageString'],
      [
        'QuotaExceeded',
        ResponseType.QUOTA_EXCEEDED,
        '429',
        'TOO_MANY_REQUESTS',
        '$context.error.messageString',
      ],
      ['Default4xx', ResponseType.DEFAULT_4XX, '', 'BAD_REQUEST', '$context.error.messageString'],
    ];
    for (const [id, type, statusCode, code, message] of passedOn) {
      this.restApi.addGatewayResponse(id, {
        type,
        ...(statusCode ? { statusCode } : {}),
        responseHeaders: JSON_HEADERS,
        templates: { 'application/json': `{"error":{"code":"${code}","message":${message}}}` },
      });
    }
  }

  /**
   * A regional web ACL on the stage: AWS's IP reputation, known-bad-inputs and common rules, and two
   * per-address limits (API_LIMITS in src/resources.ts says why these numbers). The submission limit
   * counts only the final POSTs of src/routes.ts's public writes, never page views, assets or the form's
   * steps, and listed partner networks are not counted at all; the flood guard counts every request.
   * Each limit only labels what is over it; the rules after it refuse with 429, in the CONTRACT's JSON
   * on the API and as a GOV.UK page giving the duty lines on the pages. The common rule set's 8 KB body
   * rule only counts: our own limit is 256 KiB, answered with 413 by the handlers.
   */
  private addFirewall(
    routes: readonly RouteDefinition[],
    partners: PartnerNetworks,
    logKey: IKey,
  ): CfnWebACL {
    const stack = Stack.of(this);
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `MashHub${name}`,
    });
    const managed = (
      priority: number,
      name: string,
      ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[],
    ) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(ruleActionOverrides ? { ruleActionOverrides } : {}),
        },
      },
      visibilityConfig: metric(name),
    });
    const pathMatches = (regexString: string) => ({
      regexMatchStatement: {
        fieldToMatch: { uriPath: {} },
        regexString,
        textTransformations: PATH_TRANSFORMATIONS.map((type, priority) => ({ priority, type })),
      },
    });
    const labelled = (key: string) => ({ labelMatchStatement: { scope: 'LABEL', key } });
    const refuse = (customResponseBodyKey: string) => ({
      block: { customResponse: { responseCode: 429, customResponseBodyKey } },
    });

    // Submissions: the method and the exact path of each (with or without the stage, trailing slashes).
    const submissions = checkedSubmissionRoutes(routes);
    const submitted = {
      andStatement: {
        statements: [
          {
            byteMatchStatement: {
              fieldToMatch: { method: {} },
              positionalConstraint: 'EXACTLY',
              searchString: 'POST',
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          pathMatches(
            exactPathsPattern(
              submissions.map((route) => route.path),
              this.stageName,
            ),
          ),
        ],
      },
    };
    const partnerSets = (['ipv4', 'ipv6'] as const)
      .filter((version) => partners[version].length > 0)
      .map(
        (version) =>
          new CfnIPSet(this, version === 'ipv4' ? 'PartnerIpv4' : 'PartnerIpv6', {
            scope: 'REGIONAL',
            ipAddressVersion: version.toUpperCase(),
            addresses: [...partners[version]],
            // CloudFormation allows no brackets here.
            description: `Partner networks whose submissions WAF does not count, ${version} - context partnerCidrs`,
          }),
      );
    const fromPartner: CfnWebACL.StatementProperty[] = partnerSets.map((set) => ({
      ipSetReferenceStatement: { arn: set.attrArn },
    }));
    const counted: CfnWebACL.StatementProperty =
      fromPartner.length === 0
        ? submitted
        : {
            andStatement: {
              statements: [
                submitted,
                {
                  notStatement: {
                    statement:
                      fromPartner.length === 1
                        ? fromPartner[0]!
                        : { orStatement: { statements: fromPartner } },
                  },
                },
              ],
            },
          };

    const window = API_LIMITS.perAddressWindowSeconds;
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: metric('WebAcl'),
      customResponseBodies: {
        RateLimitedApi: { contentType: 'APPLICATION_JSON', content: rateLimitedJson() },
        TooManyReferrals: { contentType: 'TEXT_HTML', content: rateLimitedPage('referrals') },
        TooManyRequests: { contentType: 'TEXT_HTML', content: rateLimitedPage('requests') },
      },
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'FloodGuard',
          priority: 1,
          action: { count: {} },
          ruleLabels: [{ name: FLOOD_LABEL }],
          statement: {
            rateBasedStatement: {
              limit: API_LIMITS.requestsPerAddress,
              evaluationWindowSec: window,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: metric('FloodGuard'),
        },
        {
          name: SUBMISSION_RULE,
          priority: 2,
          action: { count: {} },
          ruleLabels: [{ name: SUBMISSION_LABEL }],
          statement: {
            rateBasedStatement: {
              limit: API_LIMITS.submissionsPerAddress,
              evaluationWindowSec: window,
              aggregateKeyType: 'IP',
              scopeDownStatement: counted,
            },
          },
          visibilityConfig: metric(SUBMISSION_RULE),
        },
        {
          name: 'RateLimitedApi',
          priority: 3,
          action: refuse('RateLimitedApi'),
          statement: {
            andStatement: {
              statements: [
                { orStatement: { statements: [labelled(SUBMISSION_LABEL), labelled(FLOOD_LABEL)] } },
                pathMatches(apiPathPattern(this.stageName)),
              ],
            },
          },
          visibilityConfig: metric('RateLimitedApi'),
        },
        {
          name: 'TooManyReferrals',
          priority: 4,
          action: refuse('TooManyReferrals'),
          statement: labelled(SUBMISSION_LABEL),
          visibilityConfig: metric('TooManyReferrals'),
        },
        {
          name: 'TooManyRequests',
          priority: 5,
          action: refuse('TooManyRequests'),
          statement: labelled(FLOOD_LABEL),
          visibilityConfig: metric('TooManyRequests'),
        },
        managed(6, 'AWSManagedRulesKnownBadInputsRuleSet'),
        managed(7, 'AWSManagedRulesCommonRuleSet', [
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
      ],
    });

    const association = new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    association.node.addDependency(this.restApi.deploymentStage);

    // WAF keeps what it blocked or counted, never credentials or the receipt token in a query string.
    const wafLogs = new LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-${stack.stackName}`,
      encryptionKey: logKey,
      retention: LOG_RETENTION_DAYS.waf as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` that GetAtt adds.
      logDestinationConfigs: [
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: wafLogs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
      ],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    return webAcl;
  }
}

/** The labels the two per-address limits put on what is over them (WAF adds its web ACL namespace). */
const SUBMISSION_LABEL = 'mash:submission-limit';
const FLOOD_LABEL = 'mash:flood-guard';
const SUBMISSION_RULE = 'SubmissionRateLimit';
