import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { AGENCY_CLAIM } from '../src/auth/tokens.ts';
import { AGENCIES, ROLES } from '../src/domain/codes.ts';
import type { AuthSettings } from './hub-function.ts';

/** `custom:agency` in a token is the custom attribute `agency` of the pool. */
const AGENCY_ATTRIBUTE = AGENCY_CLAIM.replace(/^custom:/, '');

export interface IdentityProps {
  /** Where the hosted sign-in returns the authorisation code (the hub's own pages). */
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
  /** The hosted sign-in's domain prefix; unique in the region. Defaults to `mash-<account>`. */
  readonly domainPrefix?: string;
}

/**
 * Who may sign in: a Cognito user pool that only administrators add people to, with TOTP MFA required,
 * a 14-character password of every character class, Plus-tier threat protection enforcing, one group per
 * role in ROLES and the custom attribute `agency` for agency staff (read-only to the people themselves).
 * The hub's app client has no secret and signs in by SRP or the hosted sign-in's code flow. Handlers
 * verify the pool's ID tokens themselves with `authSettings`.
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly hubClient: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`, the `iss` of the pool's tokens. */
  readonly issuer: string;
  readonly jwksUrl: string;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        [AGENCY_ATTRIBUTE]: new StringAttribute({
          minLen: 1,
          maxLen: Math.max(...AGENCIES.map((agency) => agency.length)),
          mutable: true,
        }),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const role of ROLES) {
      this.userPool.addGroup(`${role}Group`, {
        groupName: role,
        description: `MASH hub role ${role}`,
      });
    }

    this.domain = this.userPool.addDomain('HostedSignIn', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `mash-${stack.account}` },
    });

    this.hubClient = this.userPool.addClient('HubClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(AGENCY_ATTRIBUTE),
      // The agency is set by an administrator; a person must never be able to move themselves to another.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    this.issuer = this.userPool.userPoolProviderUrl;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;

    new CfnOutput(this, 'AuthIssuer', { value: this.issuer, description: "AUTH_ISSUER: the ID tokens' iss" });
    new CfnOutput(this, 'AuthClientId', {
      value: this.hubClient.userPoolClientId,
      description: 'AUTH_AUDIENCE: the hub app client id',
    });
    new CfnOutput(this, 'AuthJwksUrl', { value: this.jwksUrl, description: 'AUTH_JWKS_URL' });
    new CfnOutput(this, 'SignInDomain', { value: this.domain.baseUrl(), description: 'Hosted sign-in' });
  }

  /** What every handler needs to verify this pool's ID tokens. */
  get authSettings(): AuthSettings {
    return { issuer: this.issuer, audience: this.hubClient.userPoolClientId, jwksUrl: this.jwksUrl };
  }
}
