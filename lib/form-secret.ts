/**
 * The key that signs the forms' CSRF tokens. Every Lambda instance of the pages must sign with the
 * same key, so it lives in Secrets Manager (encrypted with its own rotating KMS key) and each
 * instance reads it once per cold start (src/pages/shared/csrf.ts).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './compliance.ts';

export class FormSecret extends Construct {
  readonly secret: Secret;
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the key that signs the MASH forms CSRF tokens',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.secret = new Secret(this, 'Secret', {
      description: 'Signs the CSRF tokens of the MASH referral and feedback forms',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // AwsSolutions-SMG4 and the HIPAA Security and NIST 800-53 R5 SecretsManagerRotationEnabled rules.
    const reason =
      'The key only signs CSRF tokens of forms that live at most 24 hours, and each pages instance reads it ' +
      'once per cold start: automatic rotation would make instances disagree on the key and send people ' +
      'mid-form back to the start, so it is rotated by hand (update the secret value) when needed.';
    Validations.of(this.secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
    acknowledge(this.secret, 'SecretsManagerRotationEnabled', ['HIPAA.Security', 'NIST.800.53.R5'], reason);
  }
}
