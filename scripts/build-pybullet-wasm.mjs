#!/usr/bin/env node
// Builds physics version 3 — pybullet 2.6.6's engine — to WebAssembly: bullet3 at 6e18cd0fd (the commit behind
// pybullet 2.6.6), compiled as pybullet's setup.py compiles it (double precision, BT_THREADSAFE, its physics server
// and importers), minus what only draws, talks over sockets or loads plugins from disk, plus native/pybullet-ant/
// ant-api.cpp. Writes src/core/envs/quadruped/pybullet/bullet-wasm.mjs (one file, the .wasm inlined), which is
// committed: CI and users never need bullet3 or emscripten.
//
//   node scripts/build-pybullet-wasm.mjs /path/to/bullet3-at-6e18cd0fd   (needs Debian's emscripten)
//
// The bullet3 tree is checked against the blob ids of 6e18cd0fd for the files whose code decides the physics.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bullet = process.argv[2] && resolve(process.argv[2]);
if (!bullet || !existsSync(join(bullet, 'src/btBulletDynamicsAll.cpp'))) {
  console.error('usage: node scripts/build-pybullet-wasm.mjs BULLET3_DIR (bullet3 checked out at 6e18cd0fd)');
  process.exit(2);
}
export const BULLET3_COMMIT = '6e18cd0fd77ba9df22b8e48c3cc50a56ed371b2b';

// git blob ids at 6e18cd0fd: a tree that differs here is not pybullet 2.6.6.
const PINNED = JSON.parse(readFileSync(join(root, 'native/pybullet-ant/pinned-blobs.json'), 'utf8'));
for (const [path, id] of Object.entries(PINNED)) {
  const data = readFileSync(join(bullet, path));
  const got = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
  if (got !== id) {
    console.error(`${path} is not the file of bullet3 ${BULLET3_COMMIT} (blob ${got}, expected ${id})`);
    process.exit(1);
  }
}

const SOURCES = [
  'src/btLinearMathAll.cpp',
  'src/btBulletCollisionAll.cpp',
  'src/btBulletDynamicsAll.cpp',
  ...['b3AlignedAllocator', 'b3Logging', 'b3Vector3'].map((f) => `src/Bullet3Common/${f}.cpp`),
  ...['btDefaultSoftBodySolver', 'btDeformableBackwardEulerObjective', 'btDeformableBodySolver', 'btDeformableContactConstraint',
    'btDeformableContactProjection', 'btDeformableMultiBodyConstraintSolver', 'btDeformableMultiBodyDynamicsWorld', 'btSoftBody',
    'btSoftBodyConcaveCollisionAlgorithm', 'btSoftBodyHelpers', 'btSoftBodyRigidBodyCollisionConfiguration',
    'btSoftMultiBodyDynamicsWorld', 'btSoftRigidCollisionAlgorithm', 'btSoftRigidDynamicsWorld', 'btSoftSoftCollisionAlgorithm',
    'poly34'].map((f) => `src/BulletSoftBody/${f}.cpp`),
  ...['IDMath', 'MultiBodyTree', 'details/MultiBodyTreeImpl', 'details/MultiBodyTreeInitCache'].map((f) => `src/BulletInverseDynamics/${f}.cpp`),
  ...['CloneTreeCreator', 'IDRandomUtil', 'MultiBodyNameMap', 'MultiBodyTreeCreator', 'User2InternalIndex', 'btMultiBodyTreeCreator',
    'MultiBodyTreeDebugGraph', 'DillCreator', 'CoilCreator', 'RandomTreeCreator', 'SimpleTreeCreator'].map((f) => `Extras/InverseDynamics/${f}.cpp`),
  ...['bChunk', 'bDNA', 'bFile', 'btBulletFile'].map((f) => `Extras/Serialize/BulletFileLoader/${f}.cpp`),
  ...['btMultiBodyWorldImporter', 'btBulletWorldImporter', 'btWorldImporter'].map((f) => `Extras/Serialize/BulletWorldImporter/${f}.cpp`),
  ...['plugins/pdControlPlugin/pdControlPlugin', 'plugins/collisionFilterPlugin/collisionFilterPlugin', 'IKTrajectoryHelper',
    'PhysicsDirect', 'PhysicsDirectC_API', 'PhysicsServerCommandProcessor', 'PhysicsClientC_API', 'b3PluginManager',
    'InProcessMemory', 'PhysicsClient', 'PhysicsServer', 'b3RobotSimulatorClientAPI_NoDirect'].map((f) => `examples/SharedMemory/${f}.cpp`),
  ...['b3ResourcePath', 'RobotLoggingUtil', 'ChromeTraceUtil', 'b3Clock', 'b3Quickprof'].map((f) => `examples/Utils/${f}.cpp`),
  'examples/ThirdPartyLibs/tinyxml2/tinyxml2.cpp',
  'examples/ThirdPartyLibs/Wavefront/tiny_obj_loader.cpp',
  'examples/ThirdPartyLibs/stb_image/stb_image.cpp',
  ...['Jacobian', 'LinearR2', 'LinearR3', 'LinearR4', 'MatrixRmn', 'Misc', 'Node', 'Tree', 'VectorRn'].map((f) => `examples/ThirdPartyLibs/BussIK/${f}.cpp`),
  'examples/Importers/ImportColladaDemo/LoadMeshFromCollada.cpp',
  'examples/Importers/ImportObjDemo/LoadMeshFromObj.cpp',
  'examples/Importers/ImportObjDemo/Wavefront2GLInstanceGraphicsShape.cpp',
  'examples/Importers/ImportMJCFDemo/BulletMJCFImporter.cpp',
  ...['BulletUrdfImporter', 'MyMultiBodyCreator', 'URDF2Bullet', 'UrdfParser', 'urdfStringSplit'].map((f) => `examples/Importers/ImportURDFDemo/${f}.cpp`),
  'examples/Importers/ImportMeshUtility/b3ImportMeshUtility.cpp',
  'examples/OpenGLWindow/SimpleCamera.cpp',
  'examples/MultiThreading/b3ThreadSupportInterface.cpp',
].map((f) => join(bullet, f));
SOURCES.push(join(root, 'native/pybullet-ant/ant-api.cpp'));

// setup.py's defines that decide the physics (BT_USE_DOUBLE_PRECISION, BT_THREADSAFE: the solver's body
// bookkeeping differs with it), PHYSICS_SERVER_DIRECT as BulletRobotics builds it; the TinyRenderer plugin only
// renders camera images and is left out.
const DEFINES = ['-DBT_USE_DOUBLE_PRECISION', '-DBT_THREADSAFE=1', '-DPHYSICS_SERVER_DIRECT', '-DSKIP_STATIC_TINYRENDERER_PLUGIN'];
const INCLUDES = ['src', 'examples', 'examples/SharedMemory', 'examples/ThirdPartyLibs'].map((d) => `-I${join(bullet, d)}`);
const CFLAGS = ['-O3', '-g0', ...DEFINES, ...INCLUDES, '-Wno-everything'];

const objDir = join(bullet, '..', 'pybullet-wasm-obj');
mkdirSync(objDir, { recursive: true });
const env = { ...process.env, NODE_PATH: process.env.NODE_PATH ?? '/usr/share/nodejs' };

function run(cmd, args) {
  return new Promise((ok, fail) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args.at(-1)} exited ${code}`))));
  });
}

const objects = SOURCES.map((src) => join(objDir, createHash('sha1').update(src + CFLAGS.join(' ')).digest('hex').slice(0, 12) + '.o'));
const queue = SOURCES.map((src, i) => [src, objects[i]]).filter(([src, obj]) => !existsSync(obj) || statSync(obj).mtimeMs < statSync(src).mtimeMs);
const jobs = Math.min(2, cpus().length);
let done = 0;
await Promise.all(Array.from({ length: jobs }, async () => {
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [src, obj] = next;
    await run('em++', [...CFLAGS, '-c', src, '-o', obj]);
    console.log(`[${++done}] ${src.slice(bullet.length + 1)}`);
  }
}));

const EXPORTS = ['ant_create', 'ant_destroy', 'ant_num_links', 'ant_num_motors', 'ant_state', 'ant_motor_joint', 'ant_joint_info',
  'ant_joint_name', 'ant_link_name', 'ant_dynamics_info', 'ant_reset_joints', 'ant_step', 'ant_set_solver', 'ant_log_start', 'ant_log_stop', 'malloc', 'free'];
// --profile links with function names (for node --cpu-prof) into /tmp instead of the committed module.
const profile = process.argv.includes('--profile');
const out = profile ? '/tmp/bullet-wasm-profile.mjs' : join(root, 'src/core/envs/quadruped/pybullet/bullet-wasm.mjs');
mkdirSync(dirname(out), { recursive: true });
await run('em++', [
  '-O3', ...(profile ? ['--profiling-funcs'] : []), ...objects, '-o', out,
  '-sMODULARIZE=1', '-sEXPORT_ES6=1', '-sEXPORT_NAME=createBulletModule', '-sSINGLE_FILE=1', '-sENVIRONMENT=web,worker',
  '-sALLOW_MEMORY_GROWTH=1', '-sINITIAL_MEMORY=33554432', '-sFORCE_FILESYSTEM=1', '-sERROR_ON_UNDEFINED_SYMBOLS=1',
  `-sEXPORTED_FUNCTIONS=${EXPORTS.map((e) => `_${e}`).join(',')}`,
  '-sEXPORTED_RUNTIME_METHODS=FS,UTF8ToString,stringToUTF8,lengthBytesUTF8,HEAPF64',
]);
const text = readFileSync(out, 'utf8');
writeFileSync(out, `// Generated by scripts/build-pybullet-wasm.mjs from bullet3 ${BULLET3_COMMIT} and native/pybullet-ant/ant-api.cpp; do not edit.\n${text}`);
console.log(`wrote ${out} (${(text.length / 1e6).toFixed(2)} MB)`);
