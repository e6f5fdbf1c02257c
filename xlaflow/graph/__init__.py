"""The graph front end: TF1 ``placeholder`` / ``Session.run(fetches, feed_dict)`` graphs,
and the node machinery the Keras Functional API builds on.

Kinds of values
  ``SymbolicTensor`` (:mod:`.node`): shape (``None`` for unknown dims), dtype, and the
  ``Operation`` that makes it. ``Operation``: one node of a ``Graph`` (:mod:`.graph`).

When an op builds a node (the rule)
  * Any op with a symbolic input builds a node (dispatch hands the call to
    :func:`.build.symbolic_handler`); so every op of the op set, the operators, Keras
    activations and losses work on placeholders with no extra code.
  * Inside ``with graph.as_default():`` (and ``with tf.Session() as sess:``, which
    enters its graph) an op with a *Variable* input builds a node too, so
    ``tf.nn.l2_loss(W)`` is recomputed at each run from the current ``W``. Outside such
    a block, ops on Variables and constants only stay eager (TF2 behaviour next to TF1
    code, no global switch); fetching such an eager result in a session is an error
    that says so, never a stale value. Ops on constants only are always computed at
    once (constant folding).
  * TF1-only functions (``tf.assign*``, initializers, ``group``, ``gradients``,
    v1 optimizers, ``train.exponential_decay``) always build nodes.

Node kinds (``Operation.kind``) and what the interpreter does with each
  ``placeholder``  the fed value, or its ``args[0]`` (``placeholder_with_default``);
  ``call``         ``fn(*values of args)``; args is a pytree whose leaves are symbolic
                   tensors, Variables or constants; the result's leaves are the
                   outputs (every op node: ``fn`` = op implementation + statics);
  ``update``       ``fn(*values of args)`` returns new values of ``targets`` (Variables),
                   written in the run (assign ops, optimizer updates);
  ``gradients``    ``jax.vjp`` over the nodes between ``xs`` and ``ys``;
  ``init``         resets ``targets`` to their initial values (host side, run first);
  ``noop``         control inputs only (``group``, ``no_op``);
  ``cond``         ``jax.lax.cond`` over the nodes of two branches (``tf.cond`` on a
                   graph tensor; see :mod:`.control`).

Internal API for other front ends (the Keras Functional API)
  * :func:`.build.call_node(fn, *args, reads=[vars], name=..., specs=None)` — a
    ``call`` node; a layer call becomes one node whose ``fn`` runs the layer on arrays,
    ``reads`` lists the Variables the layer reads internally.
  * :func:`.build.placeholder` — a graph input (``keras.Input``).
  * :class:`.interpreter.Plan(leaves, fed)` — compile fetch ``leaves`` given fed
    tensors; ``plan.run(fed_values)`` returns the fetched arrays, writing updated
    Variables back. :class:`.interpreter.Evaluator` evaluates nodes inside another
    trace (``Evaluator(feeds={id(t): value}).run(node)`` under a ``StateScope``).
  * :func:`.interpreter.evaluate(fetches, {tensor: value})` — the same evaluation
    inside the caller's own trace (no jit of its own), for a front end that compiles
    its own step.
  * :func:`.interpreter.execution_order(roots, fed)` — the nodes needed, in order.

Shapes: see :mod:`.build` (``None`` dims propagate through ``jax.eval_shape`` run
with two stand-in sizes). Evaluation order and Variable reads: see :mod:`.interpreter`.
"""

from xlaflow.graph import control  # installs tf.cond on graph tensors
from xlaflow.graph.build import call_node, placeholder, placeholder_with_default
from xlaflow.graph.gradients import gradients
from xlaflow.graph.graph import Graph, control_dependencies, get_default_graph, name_scope, reset_default_graph
from xlaflow.graph.node import Operation, SymbolicTensor
from xlaflow.graph.session import InteractiveSession, Session, get_default_session
from xlaflow.graph.state_ops import (
    add_to_collection,
    assign,
    assign_add,
    assign_sub,
    get_collection,
    global_variables,
    global_variables_initializer,
    group,
    initialize_all_variables,
    local_variables,
    local_variables_initializer,
    no_op,
    trainable_variables,
    variables_initializer,
)

__all__ = [
    "control", "Graph", "InteractiveSession", "Operation", "Session", "SymbolicTensor", "add_to_collection", "assign",
    "assign_add", "assign_sub", "call_node", "control_dependencies", "get_collection", "get_default_graph",
    "get_default_session", "global_variables", "global_variables_initializer", "gradients", "group",
    "initialize_all_variables", "local_variables", "local_variables_initializer", "name_scope", "no_op",
    "placeholder", "placeholder_with_default", "reset_default_graph", "trainable_variables", "variables_initializer",
]
