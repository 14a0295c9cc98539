"""lrsched.keras.to_keras: a Keras 3 ``LearningRateSchedule``, trained with ``fit`` on
the torch backend here and on the JAX backend in a subprocess (Keras picks its backend
once, at import), saved to ``.keras`` and loaded back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import lrsched
from lrsched import ConfigError, Constant, Cosine, ParameterTypeError, Schedule, Warmup

keras = pytest.importorskip("keras", reason="lrsched.keras needs Keras 3")
np = pytest.importorskip("numpy")
from lrsched.keras import KerasSchedule, to_keras  # noqa: E402

SCHEDULE = (
    Warmup(steps=4, start_lr=1e-4) >> Cosine(base_lr=1e-2, min_lr=1e-3, total_steps=10)
) | Constant(lr=1e-3)
STEPS = 24  # the warmup, the cosine and the hold

# One run, as a script: the same code runs here (torch) and in a JAX subprocess. The
# model's only weight w starts at 0 and the loss is |w * 1 - (-1000)|, whose gradient is 1,
# so each SGD step moves w by minus the rate the optimizer used at that iteration.
RUN = textwrap.dedent(
    """
    import json, sys
    import keras, numpy as np
    import lrsched
    from lrsched.keras import to_keras

    def run(schedule, steps, path):
        model = keras.Sequential(
            [keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")]
        )
        optimizer = keras.optimizers.SGD(learning_rate=to_keras(schedule))
        model.compile(optimizer=optimizer, loss="mae")
        weights, rates = [], []

        # One batch an epoch: the JAX backend writes its weights back at an epoch's end.
        class Record(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                rates.append((int(optimizer.iterations), float(optimizer.learning_rate)))

            def on_epoch_end(self, epoch, logs=None):
                kernel = keras.ops.convert_to_numpy(model.layers[0].kernel.value)
                weights.append(float(kernel.ravel()[0]))

        x, far_below = np.ones((2, 1), dtype="float32"), np.full((2, 1), -1e3, dtype="float32")
        model.fit(x, far_below, batch_size=2, epochs=steps, verbose=0, callbacks=[Record()])
        model.save(path)
        loaded = keras.saving.load_model(path)
        return {
            "backend": keras.backend.backend(),
            "iterations": int(optimizer.iterations),
            "final_rate": float(optimizer.learning_rate),
            "rates": rates,
            "steps_taken": [-(b - a) for a, b in zip([0.0] + weights, weights)],
            "loaded": loaded.optimizer._learning_rate.schedule.to_dict(),
            "loaded_iterations": int(loaded.optimizer.iterations),
        }
    """
)


def check_run(result: dict[str, Any], schedule: Schedule, steps: int) -> None:
    assert result["iterations"] == steps
    # float32, Keras' default float type: to its rounding.
    assert result["final_rate"] == pytest.approx(schedule(steps), rel=1e-6)
    for k, rate in result["rates"]:
        assert rate == pytest.approx(schedule(k), rel=1e-6, abs=1e-12), k
    assert [k for k, _ in result["rates"]] == list(range(steps))
    # The rate the optimizer applied at iteration k is the schedule's at step k.
    for k, taken in enumerate(result["steps_taken"]):
        assert taken == pytest.approx(schedule(k), rel=1e-4, abs=1e-8), k
    assert lrsched.from_dict(result["loaded"]) == schedule
    assert result["loaded_iterations"] == steps


# Keras' torch backend saves weights through an __array__ that NumPy 2 warns about.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept:DeprecationWarning")
def test_fit_on_the_torch_backend_uses_the_rate_at_each_iteration(tmp_path: Path) -> None:
    namespace: dict[str, Any] = {}
    exec(RUN, namespace)
    result = namespace["run"](SCHEDULE, STEPS, str(tmp_path / "model.keras"))
    assert result["backend"] == "torch"
    check_run(result, SCHEDULE, STEPS)


def test_fit_on_the_jax_backend_in_a_subprocess(tmp_path: Path) -> None:
    pytest.importorskip("jax", reason="the JAX backend needs JAX")
    script = RUN + textwrap.dedent(
        """
        schedule = lrsched.parse(sys.argv[1])
        print(json.dumps(run(schedule, int(sys.argv[2]), sys.argv[3])))
        """
    )
    source = str(Path(lrsched.__file__).parents[1])
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": source}
    done = subprocess.run(
        [sys.executable, "-c", script, repr(SCHEDULE), str(STEPS), str(tmp_path / "m.keras")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["backend"] == "jax"
    check_run(result, SCHEDULE, STEPS)


def test_the_schedule_its_config_and_a_saved_model() -> None:
    lr = to_keras(SCHEDULE)
    assert isinstance(lr, keras.optimizers.schedules.LearningRateSchedule)
    assert lr.schedule is SCHEDULE
    assert lr.get_config() == {"schedule": SCHEDULE.to_dict()}
    assert KerasSchedule.from_config(lr.get_config()) == lr
    assert repr(lr) == f"to_keras({SCHEDULE!r})"
    # Registered, so Keras' own serialization names and rebuilds it.
    serialized = keras.saving.serialize_keras_object(lr)
    assert serialized["registered_name"] == "lrsched>KerasSchedule"
    assert keras.saving.deserialize_keras_object(serialized) == lr
    assert float(lr(5)) == pytest.approx(SCHEDULE(5), rel=1e-6)


def test_from_config_validates_through_from_dict() -> None:
    bad = {"schedule": {"version": 1, "type": "Constant", "lr": -1.0}}
    with pytest.raises(ConfigError, match="lr must be >= 0"):
        KerasSchedule.from_config(bad)
    with pytest.raises(ConfigError):
        KerasSchedule.from_config({"schedule": {"type": "Nope"}})
    with pytest.raises(ParameterTypeError, match="schedule must be a Schedule"):
        to_keras(0.1)  # type: ignore[arg-type]


def test_a_bare_schedule_is_not_a_keras_learning_rate() -> None:
    # Keras calls any callable learning rate that is not a LearningRateSchedule with no
    # arguments; docs/keras.md says why and points to to_keras.
    optimizer = keras.optimizers.AdamW(learning_rate=SCHEDULE)
    with pytest.raises(TypeError, match="step"):
        optimizer.learning_rate  # noqa: B018
