import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../shared/routes';
import { grantsOf, logicalId, synth } from './synth';

const busArn = 'arn:aws:events:eu-west-1:123456789012:event-bus/platform';

describe('ConnectOnboardingStack with an eventBusArn', () => {
  const { stack, template } = synth({ eventBusArn: busArn });

  for (const spec of Object.values(functionSpecs)) {
    const publishes = spec.publishesNotices;
    it(`${publishes ? 'lets' : 'does not let'} the ${spec.name} function publish account notices`, () => {
      const fn = stack.functions[spec.name].function;
      const variables = template.findResources('AWS::Lambda::Function')[logicalId(fn)]?.Properties.Environment
        .Variables as Record<string, unknown>;
      const grants = grantsOf(template, logicalId(fn.role as never));

      expect(variables.EVENT_BUS_NAME).toEqual(publishes ? busArn : undefined);
      expect(grants[busArn]).toEqual(publishes ? ['events:PutEvents'] : undefined);
    });
  }

  it('publishes nothing when no bus is configured', () => {
    const plain = synth({});
    const variables = Object.values(plain.template.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn.Properties.Environment.Variables as Record<string, unknown>).EVENT_BUS_NAME,
    );
    expect(variables.every((value) => value === undefined)).toBe(true);
  });
});
