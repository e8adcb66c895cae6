/** The one place a genome becomes a policy: the quadruped's MLPs or the car's conv network (policies.ts, car-policy.ts). */
import type { MlpSpec } from '../nn/mlp';
import { CarPolicy } from './car-policy';
import { genomeLayout, type PolicySpec } from './genome';
import { checkGenome, HebbianPolicy, StaticPolicy, type Policy } from './policies';

/**
 * Builds the policy a genome encodes. The genome's length must match the layout. A network with a conv front end
 * is the car's (the pixel task), whose policy squashes its raw outputs into steer, gas and brake.
 */
export function makePolicy(net: MlpSpec, spec: PolicySpec, genome: Float32Array): Policy {
  const layout = genomeLayout(net, spec);
  checkGenome(layout, genome);
  if (net.conv) return new CarPolicy(net, spec, layout, genome);
  return spec.kind === 'static' ? new StaticPolicy(net, layout, genome) : new HebbianPolicy(net, spec, layout, genome);
}
