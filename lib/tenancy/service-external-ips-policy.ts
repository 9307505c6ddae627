import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { commonLabels, PART_OF } from '../core/labels';

export interface ServiceExternalIpsPolicyProps {
  /** Object name of the policy and its binding. @default 'platform-kit-deny-service-external-ips' */
  readonly name?: string;
}

/**
 * Refuses Services with `spec.externalIPs` in every namespace Platform Kit manages (CVE-2020-8554: whoever may
 * create a Service may claim any external IP and intercept its traffic cluster-wide; RBAC cannot say "Services,
 * but without that field"). A ValidatingAdmissionPolicy with its binding: admissionregistration.k8s.io/v1, so only
 * for clusters from 1.30 (`cluster.version`). On older clusters the gap is documented (README, "Tenancy"): enable
 * the API server's DenyServiceExternalIPs admission plugin instead.
 */
export class ServiceExternalIpsPolicy extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceExternalIpsPolicyProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'platform-kit-deny-service-external-ips';
    const labels = commonLabels({ name: 'tenancy', instance: 'cluster', component: 'admission-policy' });
    new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: this.name, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }],
        },
        validations: [{
          expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
          message: 'Service spec.externalIPs is not allowed in namespaces Platform Kit manages (CVE-2020-8554); expose the Service through the ingress controller or a NodePort instead.',
          reason: 'Forbidden',
        }],
      },
    });
    new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: this.name, labels },
      spec: {
        policyName: this.name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } } },
      },
    });
  }
}
