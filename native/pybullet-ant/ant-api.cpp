// The quadruped world of pybullet 2.6.6's AntBulletEnv-v0, driven through pybullet's own C API.
//
// Compiled to WebAssembly together with bullet3 at 6e18cd0fd (the commit behind pybullet 2.6.6): the physics
// server, the MJCF/SDF importers and the Featherstone multibody solver are pybullet's, unmodified. This file only
// makes the calls that pybullet_envs makes through pybullet.c (scene_abstract.py, scene_stadium.py,
// robot_bases.py, robot_locomotors.py, gym_locomotion_envs.py), in the same order and with the same arguments, and
// packs what those Python classes read after a step into one array of doubles.
// What is *computed* from that state (observation, rewards, termination) lives in TypeScript.
#include "SharedMemory/PhysicsClientC_API.h"
#include "SharedMemory/PhysicsDirectC_API.h"
#include "SharedMemory/SharedMemoryPublic.h"
#include <cstring>
#include <cstdlib>

namespace {

const int MAX_SIMS = 64;
const int MAX_LINKS = 64;

// Layout of the state array (doubles), after every reset and step:
//   0..2 base position, 3..6 base orientation (x, y, z, w), 7..9 base linear velocity, 10..12 base angular velocity
//   then per motor joint (ordered_joints order): angle, speed
//   then per link (link index order): COM world position (3), link frame world position (3) and orientation (4)
//   then per link: 1 if a contact point between that link and the floor's base exists, else 0
const int BASE_FLOATS = 13;
const int LINK_FLOATS = 10;

struct Sim {
  b3PhysicsClientHandle sm = 0;
  int robot = -1;
  int floor = -1;
  int numLinks = 0;
  int numMotors = 0;
  int motorJoint[MAX_LINKS];  // joint index of each motor joint, in ordered_joints order
  int motorU[MAX_LINKS];
  int motorQ[MAX_LINKS];
  double* state = nullptr;
  int contactLog = -1;  // pybullet state-logger ids while the audit's sub-step logs run
  int robotLog = -1;
};

Sim sims[MAX_SIMS];

bool ok(b3SharedMemoryStatusHandle status, int expected) { return status && b3GetStatusType(status) == expected; }

b3SharedMemoryStatusHandle submit(Sim& s, b3SharedMemoryCommandHandle cmd) { return b3SubmitClientCommandAndWaitStatus(s.sm, cmd); }

// robot_bases.py: setJointMotorControl2(body, j, POSITION_CONTROL, targetPosition, targetVelocity, positionGain=0.1,
// velocityGain=0.1, force=0), as pybullet.c turns it into a command (maxVelocity unset).
void positionControlOff(Sim& s, int joint) {
  b3JointInfo info;
  b3GetJointInfo(s.sm, s.robot, joint, &info);
  b3SharedMemoryCommandHandle cmd = b3JointControlCommandInit2(s.sm, s.robot, CONTROL_MODE_POSITION_VELOCITY_PD);
  b3JointControlSetDesiredPosition(cmd, info.m_qIndex, 0.0);
  b3JointControlSetKp(cmd, info.m_uIndex, 0.1);
  b3JointControlSetDesiredVelocity(cmd, info.m_uIndex, 0.0);
  b3JointControlSetKd(cmd, info.m_uIndex, 0.1);
  b3JointControlSetMaximumForce(cmd, info.m_uIndex, 0.0);
  submit(s, cmd);
}

int setParam(Sim& s, void (*set)(b3SharedMemoryCommandHandle)) {
  b3SharedMemoryCommandHandle cmd = b3InitPhysicsParamCommand(s.sm);
  set(cmd);
  return submit(s, cmd) ? 0 : -1;
}

bool readState(Sim& s) {
  b3SharedMemoryStatusHandle status = submit(s, b3RequestActualStateCommandInit(s.sm, s.robot));
  if (!ok(status, CMD_ACTUAL_STATE_UPDATE_COMPLETED)) return false;
  const double* q = nullptr;
  const double* qdot = nullptr;
  b3GetStatusActualState(status, 0, 0, 0, 0, &q, &qdot, 0);
  double* out = s.state;
  for (int i = 0; i < 7; i++) out[i] = q[i];
  for (int i = 0; i < 6; i++) out[7 + i] = qdot[i];
  double* joints = out + BASE_FLOATS;
  for (int m = 0; m < s.numMotors; m++) {
    b3JointSensorState js;
    if (!b3GetJointState(s.sm, status, s.motorJoint[m], &js)) return false;
    joints[2 * m] = js.m_jointPosition;
    joints[2 * m + 1] = js.m_jointVelocity;
  }
  double* links = joints + 2 * s.numMotors;
  for (int l = 0; l < s.numLinks; l++) {
    b3LinkState ls;
    if (!b3GetLinkState(s.sm, status, l, &ls)) return false;
    double* link = links + LINK_FLOATS * l;
    for (int i = 0; i < 3; i++) link[i] = ls.m_worldPosition[i];
    for (int i = 0; i < 3; i++) link[3 + i] = ls.m_worldLinkFramePosition[i];
    for (int i = 0; i < 4; i++) link[6 + i] = ls.m_worldLinkFrameOrientation[i];
  }
  // gym_locomotion_envs.py: a foot touches the ground when getContactPoints(robot, -1, foot, -1) holds a point
  // whose (bodyB, linkB) is the floor's base. One query for the robot against the floor gives the same points.
  double* contact = links + LINK_FLOATS * s.numLinks;
  for (int l = 0; l < s.numLinks; l++) contact[l] = 0;
  b3SharedMemoryCommandHandle cmd = b3InitRequestContactPointInformation(s.sm);
  b3SetContactFilterBodyA(cmd, s.robot);
  b3SetContactFilterBodyB(cmd, s.floor);
  b3SetContactFilterLinkB(cmd, -1);
  if (!ok(submit(s, cmd), CMD_CONTACT_POINT_INFORMATION_COMPLETED)) return false;
  b3ContactInformation info;
  b3GetContactPointInformation(s.sm, &info);
  for (int i = 0; i < info.m_numContactPoints; i++) {
    const b3ContactPointData& p = info.m_contactPointData[i];
    if (p.m_bodyUniqueIdA == s.robot && p.m_linkIndexA >= 0 && p.m_linkIndexA < s.numLinks) contact[p.m_linkIndexA] = 1;
  }
  return true;
}

Sim* get(int id) { return id >= 0 && id < MAX_SIMS && sims[id].sm ? &sims[id] : nullptr; }

}  // namespace

extern "C" {

// A fresh physics client with pybullet_envs' stadium scene and the robot of `mjcfPath` loaded, as the first
// env.reset() of a freshly made AntBulletEnv-v0 leaves it before robot_specific_reset. Returns a sim id, or a
// negative code: -1 no free slot, -2 floor not loaded, -3 robot not loaded, -4 too many links, -5 state read failed.
int ant_create(const char* mjcfPath, const char* floorSdfPath) {
  int id = 0;
  while (id < MAX_SIMS && sims[id].sm) id++;
  if (id == MAX_SIMS) return -1;
  Sim& s = sims[id];
  s = Sim();
  s.sm = b3ConnectPhysicsDirect();
  // env_bases.py: resetSimulation() on a new client.
  b3SharedMemoryCommandHandle reset = b3InitResetSimulationCommand(s.sm);
  b3InitResetSimulationSetFlags(reset, 0);
  submit(s, reset);
  // scene_abstract.py World.clean_everything(), through setGravity, setDefaultContactERP and
  // setPhysicsEngineParameter (each its own command, as pybullet.c sends them).
  setParam(s, [](b3SharedMemoryCommandHandle c) { b3PhysicsParamSetGravity(c, 0, 0, -9.8); });
  setParam(s, [](b3SharedMemoryCommandHandle c) { b3PhysicsParamSetDefaultContactERP(c, 0.9); });
  setParam(s, [](b3SharedMemoryCommandHandle c) {
    b3PhysicsParamSetNumSolverIterations(c, 5);
    b3PhysicsParamSetNumSubSteps(c, 4);
    b3PhysicsParamSetTimeStep(c, 0.0165 / 4 * 4);
  });
  // The one setting pybullet_envs does not make: pybullet's default processes overlapping pairs in an order that
  // depends on memory addresses, so the same lifetime differs between processes and with what ran before it.
  // Sorted pairs (pybullet's own deterministicOverlappingPairs=1) make a lifetime a function of its inputs.
  setParam(s, [](b3SharedMemoryCommandHandle c) { b3PhysicsParameterSetDeterministicOverlappingPairs(c, 1); });
  // scene_stadium.py: loadSDF(plane_stadium.sdf), then changeDynamics(floor, -1, lateralFriction=0.8, restitution=0.5).
  b3SharedMemoryStatusHandle sdf = submit(s, b3LoadSdfCommandInit(s.sm, floorSdfPath));
  int bodies[16];
  if (!ok(sdf, CMD_SDF_LOADING_COMPLETED) || b3GetStatusBodyIndices(sdf, bodies, 16) < 1) {
    b3DisconnectSharedMemory(s.sm);
    s = Sim();
    return -2;
  }
  s.floor = bodies[0];
  b3SharedMemoryCommandHandle dyn = b3InitChangeDynamicsInfo(s.sm);
  b3ChangeDynamicsInfoSetLateralFriction(dyn, s.floor, -1, 0.8);
  b3ChangeDynamicsInfoSetRestitution(dyn, s.floor, -1, 0.5);
  submit(s, dyn);
  // robot_bases.py MJCFBasedRobot.reset: loadMJCF with self collision, excluding all parents.
  b3SharedMemoryCommandHandle load = b3LoadMJCFCommandInit(s.sm, mjcfPath);
  b3LoadMJCFCommandSetFlags(load, URDF_USE_SELF_COLLISION | URDF_USE_SELF_COLLISION_EXCLUDE_ALL_PARENTS);
  b3SharedMemoryStatusHandle mjcf = submit(s, load);
  if (!ok(mjcf, CMD_MJCF_LOADING_COMPLETED) || b3GetStatusBodyIndices(mjcf, bodies, 16) < 1) {
    b3DisconnectSharedMemory(s.sm);
    s = Sim();
    return -3;
  }
  s.robot = bodies[0];
  s.numLinks = b3GetNumJoints(s.sm, s.robot);
  if (s.numLinks > MAX_LINKS) {
    b3DisconnectSharedMemory(s.sm);
    s = Sim();
    return -4;
  }
  // addToScene: every joint's position motor switched off; joints not named "jointfix…"/"ignore…" are motors.
  for (int j = 0; j < s.numLinks; j++) {
    positionControlOff(s, j);
    b3JointInfo info;
    b3GetJointInfo(s.sm, s.robot, j, &info);
    if (strncmp(info.m_jointName, "ignore", 6) == 0 || strncmp(info.m_jointName, "jointfix", 8) == 0) continue;
    s.motorJoint[s.numMotors] = j;
    s.motorU[s.numMotors] = info.m_uIndex;
    s.motorQ[s.numMotors] = info.m_qIndex;
    s.numMotors++;
  }
  s.state = static_cast<double*>(calloc(BASE_FLOATS + 2 * s.numMotors + (LINK_FLOATS + 1) * s.numLinks, sizeof(double)));
  if (!readState(s)) {
    b3DisconnectSharedMemory(s.sm);
    free(s.state);
    s = Sim();
    return -5;
  }
  return id;
}

void ant_destroy(int id) {
  Sim* s = get(id);
  if (!s) return;
  b3DisconnectSharedMemory(s->sm);
  free(s->state);
  *s = Sim();
}

int ant_num_links(int id) { Sim* s = get(id); return s ? s->numLinks : -1; }
int ant_num_motors(int id) { Sim* s = get(id); return s ? s->numMotors : -1; }
double* ant_state(int id) { Sim* s = get(id); return s ? s->state : nullptr; }
int ant_motor_joint(int id, int m) { Sim* s = get(id); return s && m >= 0 && m < s->numMotors ? s->motorJoint[m] : -1; }

// getJointInfo(robot, j): joint name, link name, and into `out`: type, lower, upper, damping, friction, max force,
// max velocity, axis (3, in the parent's frame as pybullet reports it), parent index. Returns 0, or -1.
static b3JointInfo lastInfo;
int ant_joint_info(int id, int j, double* out) {
  Sim* s = get(id);
  if (!s || j < 0 || j >= s->numLinks || !b3GetJointInfo(s->sm, s->robot, j, &lastInfo)) return -1;
  const b3JointInfo& i = lastInfo;
  const double values[] = {double(i.m_jointType), i.m_jointLowerLimit, i.m_jointUpperLimit, i.m_jointDamping, i.m_jointFriction,
                           i.m_jointMaxForce, i.m_jointMaxVelocity, i.m_jointAxis[0], i.m_jointAxis[1], i.m_jointAxis[2], double(i.m_parentIndex)};
  memcpy(out, values, sizeof(values));
  return 0;
}
const char* ant_joint_name() { return lastInfo.m_jointName; }
const char* ant_link_name() { return lastInfo.m_linkName; }

// getDynamicsInfo(robot, link) (link −1: the base): mass, local inertia diagonal (3), lateral friction,
// restitution, contact damping, contact stiffness, local inertial frame (position 3, orientation 4). Returns 0, or -1.
int ant_dynamics_info(int id, int link, double* out) {
  Sim* s = get(id);
  if (!s) return -1;
  b3SharedMemoryStatusHandle status = submit(*s, b3GetDynamicsInfoCommandInit(s->sm, s->robot, link));
  b3DynamicsInfo d;
  if (!ok(status, CMD_GET_DYNAMICS_INFO_COMPLETED) || !b3GetDynamicsInfo(status, &d)) return -1;
  const double values[] = {d.m_mass, d.m_localInertialDiagonal[0], d.m_localInertialDiagonal[1], d.m_localInertialDiagonal[2],
                           d.m_lateralFrictionCoeff, d.m_restitution, d.m_contactDamping, d.m_contactStiffness,
                           d.m_localInertialFrame[0], d.m_localInertialFrame[1], d.m_localInertialFrame[2], d.m_localInertialFrame[3],
                           d.m_localInertialFrame[4], d.m_localInertialFrame[5], d.m_localInertialFrame[6]};
  memcpy(out, values, sizeof(values));
  return 0;
}

// robot_locomotors.py WalkerBase.robot_specific_reset: resetJointState(j, angle, 0) then disable_motor(), per motor
// joint in order. Returns 0, or -1.
int ant_reset_joints(int id, const double* angles) {
  Sim* s = get(id);
  if (!s) return -1;
  for (int m = 0; m < s->numMotors; m++) {
    b3SharedMemoryCommandHandle cmd = b3CreatePoseCommandInit(s->sm, s->robot);
    b3CreatePoseCommandSetJointPosition(s->sm, cmd, s->motorJoint[m], angles[m]);
    b3CreatePoseCommandSetJointVelocity(s->sm, cmd, s->motorJoint[m], 0);
    submit(*s, cmd);
    positionControlOff(*s, s->motorJoint[m]);
  }
  return readState(*s) ? 0 : -1;
}

// One env step: torques (N·m, motor order) by setJointMotorControl2(TORQUE_CONTROL), then stepSimulation(), then
// the state read back. Returns 0, or -1.
int ant_step(int id, const double* torques) {
  Sim* s = get(id);
  if (!s) return -1;
  b3SharedMemoryCommandHandle cmd = b3JointControlCommandInit2(s->sm, s->robot, CONTROL_MODE_TORQUE);
  for (int m = 0; m < s->numMotors; m++) b3JointControlSetDesiredForceTorque(cmd, s->motorU[m], torques[m]);
  submit(*s, cmd);
  if (!ok(submit(*s, b3InitStepSimulationCommand(s->sm)), CMD_STEP_FORWARD_SIMULATION_COMPLETED)) return -1;
  return readState(*s) ? 0 : -1;
}

// setPhysicsEngineParameter(numSolverIterations=…, numSubSteps=…) with pybullet_envs' fixed time step: the
// audit's re-runs with a finer solver. Returns 0, or -1.
int ant_set_solver(int id, int iterations, int subSteps) {
  Sim* s = get(id);
  if (!s || iterations < 1 || subSteps < 1) return -1;
  b3SharedMemoryCommandHandle cmd = b3InitPhysicsParamCommand(s->sm);
  b3PhysicsParamSetNumSolverIterations(cmd, iterations);
  b3PhysicsParamSetNumSubSteps(cmd, subSteps);
  b3PhysicsParamSetTimeStep(cmd, 0.0165 / 4 * 4);
  return ok(submit(*s, cmd), CMD_CLIENT_COMMAND_COMPLETED) ? 0 : -1;
}

// The audit's view of every physics sub-step, through pybullet's own state loggers (startStateLogging), which
// only read the world after each sub-step: STATE_LOGGING_CONTACT_POINTS for the robot against the floor (per
// point: links, distance, normal force) into `contactsPath`, STATE_LOGGING_GENERIC_ROBOT for the robot (joint
// positions and speeds) into `robotPath`. Returns 0, or -1.
int ant_log_start(int id, const char* contactsPath, const char* robotPath) {
  Sim* s = get(id);
  if (!s || s->contactLog >= 0 || s->robotLog >= 0) return -1;
  b3SharedMemoryCommandHandle contacts = b3StateLoggingCommandInit(s->sm);
  b3StateLoggingStart(contacts, STATE_LOGGING_CONTACT_POINTS, contactsPath);
  b3StateLoggingSetBodyAUniqueId(contacts, s->robot);
  b3StateLoggingSetBodyBUniqueId(contacts, s->floor);
  b3SharedMemoryStatusHandle status = submit(*s, contacts);
  if (!ok(status, CMD_STATE_LOGGING_START_COMPLETED)) return -1;
  s->contactLog = b3GetStatusLoggingUniqueId(status);
  b3SharedMemoryCommandHandle robot = b3StateLoggingCommandInit(s->sm);
  b3StateLoggingStart(robot, STATE_LOGGING_GENERIC_ROBOT, robotPath);
  b3StateLoggingAddLoggingObjectUniqueId(robot, s->robot);
  b3StateLoggingSetMaxLogDof(robot, MAX_LINKS);
  status = submit(*s, robot);
  if (!ok(status, CMD_STATE_LOGGING_START_COMPLETED)) return -1;
  s->robotLog = b3GetStatusLoggingUniqueId(status);
  return 0;
}

// stopStateLogging for both loggers (their files are then complete). Returns 0, or -1.
int ant_log_stop(int id) {
  Sim* s = get(id);
  if (!s) return -1;
  int result = 0;
  int* logs[] = {&s->contactLog, &s->robotLog};
  for (int* log : logs) {
    if (*log < 0) continue;
    b3SharedMemoryCommandHandle cmd = b3StateLoggingCommandInit(s->sm);
    b3StateLoggingStop(cmd, *log);
    if (!ok(submit(*s, cmd), CMD_STATE_LOGGING_COMPLETED)) result = -1;
    *log = -1;
  }
  return result;
}

}  // extern "C"
