import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../shared/routes';
import { bundlingFor } from './bundling';

/** Repository root, so bundling does not depend on the directory `cdk` runs from. */
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Props of {@link ServiceFunction}. */
export interface ServiceFunctionProps {
  /** Which handler (`functions/<name>.ts`), and its timeout and memory. */
  readonly spec: FunctionSpec;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One Lambda function of the service with the defaults every handler shares: Node 24 on ARM,
 * bundled as ESM with the AWS SDK inside (infra/bundling.ts; the benchmark builds with the same
 * options). A measurement on a throwaway app (docs/stack.md) put such a bundle's import at 63 ms against 150 ms for the default
 * (SDK external, loaded unminified from the runtime).
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { spec } = props;
    // An explicit group gets a retention; the runtime's own would keep logs (and cost) forever.
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}functions/${spec.name}.ts`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      logGroup,
      // No NODE_OPTIONS=--enable-source-maps: logged errors map their own stacks (infra/bundling.ts).
      environment: props.environment,
      bundling: bundlingFor(props.environment),
    });
    // aws-cdk-lib makes the function depend on its whole role construct, so it waits for the role's
    // default policy too (that part matters: a cold start before the grants exist would fail). The
    // role part repeats the GetAtt of Role, which cfn-lint reports as W3005; harmless, kept as CDK makes it.
    (this.function.node.defaultChild as CfnResource).addMetadata('cfn-lint', {
      config: { ignore_checks: ['W3005'] },
    });
  }
}
