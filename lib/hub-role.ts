import {
  type AddToPrincipalPolicyResult,
  ManagedPolicy,
  type PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';

/**
 * A role whose permissions live in one customer-managed policy of its own instead of an inline policy
 * (HIPAA Security and NIST 800-53 R5 IAMNoInlinePolicy): versioned by IAM, visible in the policy list
 * and reviewable on its own. Every statement CDK or the hub adds to the role (grants, the X-Ray
 * statement of active tracing, event sources) lands there; the policy is attached to this role only and
 * created with the first statement.
 */
export class HubRole extends Role {
  private ownPolicy?: ManagedPolicy;

  /** The role's own managed policy; undefined until a statement is added. */
  get policy(): ManagedPolicy | undefined {
    return this.ownPolicy;
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    if (!this.ownPolicy) {
      this.ownPolicy = new ManagedPolicy(this, 'Policy', {
        description: this.roleDescription(),
        roles: [this],
      });
    }
    this.ownPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.ownPolicy };
  }

  private roleDescription(): string {
    const description = (this.node.defaultChild as { description?: string } | undefined)?.description;
    return description ? `Permissions of: ${description}` : `Permissions of ${this.node.path}`;
  }
}
