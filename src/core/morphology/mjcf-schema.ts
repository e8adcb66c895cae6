/**
 * Which MJCF elements and attributes the reader knows (after MuJoCo's own schema), and what it does with each:
 * uses it, ignores it (visual, or ignored the way pybullet's loader ignores it for the ant), or refuses it because
 * it changes the physics in a way the simulator does not reproduce. docs/USER-GUIDE.md carries the same lists.
 */

const set = (words: string): ReadonlySet<string> => new Set(words.trim().split(/\s+/));
const ORIENTATION = 'quat axisangle euler xyaxes zaxis';

export const KNOWN = {
  mujoco: set('model'),
  compiler: set(`autolimits boundmass boundinertia settotalmass balanceinertia strippath coordinate angle fitaabb eulerseq
    meshdir texturedir discardvisual usethread fusestatic inertiafromgeom inertiagrouprange saveinertial assetdir alignfree conflict`),
  body: set(`name childclass pos ${ORIENTATION} mocap gravcomp sleep simple user`),
  frame: set(`name childclass pos ${ORIENTATION}`),
  freejoint: set('name group align'),
  joint: set(`name class type group pos axis springdamper limited actuatorfrclimited solreflimit solimplimit solreffriction
    solimpfriction stiffness range actuatorfrcrange actuatorgravcomp margin ref springref armature damping frictionloss user`),
  geom: set(`name class type contype conaffinity condim group priority size material friction mass density shellinertia solmix
    solref solimp margin gap surfacevel adhesion fromto pos ${ORIENTATION} hfield mesh fitscale rgba fluidshape fluidcoef user`),
  motor: set(`name class group nsample interp delay ctrlrange ctrllimited forcelimited forcerange lengthrange gear damping armature
    cranklength joint jointinparent tendon slidersite cranksite site refsite user`),
} as const;

/** Defaults carry an element's attributes minus its name and class. */
const minus = (s: ReadonlySet<string>, ...drop: string[]): ReadonlySet<string> => new Set([...s].filter((a) => !drop.includes(a)));
export const DEFAULT_KNOWN = {
  joint: minus(KNOWN.joint, 'name', 'class'),
  geom: minus(KNOWN.geom, 'name', 'class'),
  actuator: minus(KNOWN.motor, 'name', 'class', 'joint', 'jointinparent', 'tendon', 'slidersite', 'cranksite', 'site', 'refsite'),
};

/** Sections of <mujoco> without influence on this body's physics here. */
export const IGNORED_SECTIONS = set('option size statistic visual asset custom keyframe sensor');
/** Elements inside a body that do not touch the physics. */
export const IGNORED_IN_BODY = set('site camera light');
/** Known MuJoCo elements a body (or the world) may hold that this simulator cannot reproduce, with the reason. */
export const REFUSED_IN_BODY: ReadonlyMap<string, string> = new Map([
  ['plugin', 'engine plugins are not supported'],
  ['composite', 'composite objects are not supported'],
  ['flexcomp', 'flexible objects are not supported'],
  ['attach', 'attaching other models is not supported; paste the body in'],
  ['replicate', 'replicate is not supported; write the copies out'],
]);
/** Sections refused outright, and (below them) sections refused only when they hold something. */
export const REFUSED_SECTIONS: ReadonlyMap<string, string> = new Map([
  ['include', 'included files are not read; paste their content into this file'],
  ['extension', 'engine plugins are not supported'],
]);
export const REFUSED_IF_USED: ReadonlyMap<string, string> = new Map([
  ['tendon', 'tendons are not supported'],
  ['equality', 'equality constraints are not supported'],
  ['deformable', 'deformable objects are not supported'],
]);
export const ACTUATORS = set('general motor position velocity intvelocity orientation pid damper cylinder muscle adhesion dcmotor plugin');
export const GEOM_TYPES = ['plane', 'hfield', 'sphere', 'capsule', 'ellipsoid', 'cylinder', 'box', 'mesh', 'sdf'] as const;
export const JOINT_TYPES = ['free', 'ball', 'slide', 'hinge'] as const;

/** Why masses and contacts ignore what MJCF says about them (docs/PHYSICS.md). */
export const MASS_RULE = 'masses come from geom volumes at 1000 kg/m³, as pybullet loads the ant';
