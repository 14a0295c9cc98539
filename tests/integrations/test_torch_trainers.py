"""ScheduleLR inside transformers' Trainer and Lightning: resuming from their checkpoints
with the saved plan or a new one (resume=), and checkpoints that open without lrsched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lrsched import Constant, Cosine, Linear, Schedule, ScheduleChangedWarning, Warmup

pytest.importorskip("torch", reason="lrsched.torch needs torch")
import torch

from lrsched.torch import ScheduleLR

PLAN = (Warmup(steps=3, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.001, total_steps=9)) | 0.001
# The same warmup, then a cosine over a longer budget: the plan of a run that was extended.
LONGER = (Warmup(steps=3, start_lr=0.0) >> Cosine(base_lr=0.1, min_lr=0.001, total_steps=20)) | 0.0
WD = Linear(base_lr=0.0, end_lr=0.1, total_steps=12)

# Opens a checkpoint file in a process where importing lrsched fails, and prints the
# scheduler state found at the path given as the second argument (keys joined by dots).
WITHOUT_LRSCHED = """
import sys
sys.modules["lrsched"] = None
import torch
state = torch.load(sys.argv[1], weights_only=True)
for key in sys.argv[2].split(".") if sys.argv[2] else []:
    state = state[int(key) if key.isdigit() else key]
print(state["last_epoch"], state["schedules"][0]["type"], sorted(state["fields"]))
"""


def open_without_lrsched(path: Path, where: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_LRSCHED, str(path), where], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


class Tiny(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, x: Any, labels: Any = None) -> Any:
        out = self.linear(x).squeeze(-1)
        if labels is None:
            return out
        return {"loss": torch.nn.functional.mse_loss(out, labels)}


class Data(torch.utils.data.Dataset):  # type: ignore[misc]
    def __len__(self) -> int:
        return 64

    def __getitem__(self, i: int) -> dict[str, Any]:
        x = torch.tensor([float(i % 8), 1.0])
        return {"x": x, "labels": x.sum()}


def optimizer(model: Any) -> Any:
    return torch.optim.SGD(model.parameters(), lr=1.0, momentum=0.9, weight_decay=0.0)


class TestTrainer:
    transformers: Any = pytest.importorskip("transformers", reason="Trainer needs transformers")

    def train(
        self, tmp_path: Path, max_steps: int, schedule: Schedule, resume: str, **fields: Any
    ) -> list[float]:
        """The rates the Trainer logged, one per step, resuming when a checkpoint exists."""
        torch.manual_seed(0)
        model = Tiny()
        opt = optimizer(model)
        args = self.transformers.TrainingArguments(
            output_dir=str(tmp_path),
            per_device_train_batch_size=2,
            max_steps=max_steps,
            logging_steps=1,
            save_steps=6,
            report_to=[],
            use_cpu=True,
            disable_tqdm=True,
        )
        trainer = self.transformers.Trainer(
            model=model,
            args=args,
            train_dataset=Data(),
            optimizers=(opt, ScheduleLR(opt, schedule, resume=resume, **fields)),
        )
        trainer.train(resume_from_checkpoint=any(tmp_path.glob("checkpoint-*")) or None)
        return [e["learning_rate"] for e in trainer.state.log_history if "learning_rate" in e]

    @pytest.mark.filterwarnings(
        "ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"
    )
    def test_resume_given_continues_a_longer_plan_from_the_checkpoint(self, tmp_path: Path) -> None:
        first = self.train(tmp_path, 6, PLAN, "saved", weight_decay=WD)
        assert first == pytest.approx([PLAN(k) for k in range(6)], rel=1e-12)
        # The checkpoint Trainer wrote opens without lrsched, with the safe loader.
        scheduler_pt = tmp_path / "checkpoint-6" / "scheduler.pt"
        assert open_without_lrsched(scheduler_pt, "") == ["6", "Phases", "['weight_decay']"]

        resumed = self.train(tmp_path, 12, LONGER, "given", weight_decay=WD)
        assert resumed[:6] == first
        assert resumed[6:] == pytest.approx([LONGER(k) for k in range(6, 12)], rel=1e-12)

    @pytest.mark.filterwarnings(
        "ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"
    )
    def test_resume_saved_keeps_the_checkpoints_plan_and_says_so(self, tmp_path: Path) -> None:
        first = self.train(tmp_path, 6, PLAN, "saved")
        with pytest.warns(ScheduleChangedWarning, match="resume='given'"):
            resumed = self.train(tmp_path, 12, LONGER, "saved")
        assert resumed[:6] == first
        assert resumed[6:] == pytest.approx([PLAN(k) for k in range(6, 12)], rel=1e-12)


class TestLightning:
    L: Any = pytest.importorskip("lightning", reason="these tests need Lightning")

    def module(self, schedule: Schedule, resume: str, **fields: Any) -> Any:
        class Module(self.L.LightningModule):  # type: ignore[misc,name-defined]
            def __init__(self) -> None:
                super().__init__()
                self.net = Tiny()
                self.seen: list[tuple[int, float, float]] = []

            def training_step(self, batch: dict[str, Any], index: int) -> Any:
                group = self.optimizers().param_groups[0]
                self.seen.append((self.global_step, group["lr"], group["weight_decay"]))
                return self.net(batch["x"], batch["labels"])["loss"]

            def train_dataloader(self) -> Any:
                return torch.utils.data.DataLoader(Data(), batch_size=2, num_workers=0)

            def configure_optimizers(self) -> Any:
                opt = optimizer(self)
                scheduler = ScheduleLR(opt, schedule, resume=resume, **fields)
                return {
                    "optimizer": opt,
                    "lr_scheduler": {"scheduler": scheduler, "interval": "step"},
                }

        return Module()

    def fit(self, module: Any, max_steps: int, ckpt_path: Path | None = None) -> Any:
        torch.manual_seed(0)
        trainer = self.L.Trainer(
            max_steps=max_steps,
            accelerator="cpu",
            devices=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        trainer.fit(module, ckpt_path=ckpt_path, weights_only=True if ckpt_path else None)
        return trainer

    @pytest.mark.filterwarnings(
        "ignore:.*does not have many workers:UserWarning",
        "ignore:.*smaller than the logging interval:UserWarning",
        "ignore:.*LeafSpec.* is deprecated:FutureWarning",
        "ignore:.*your dataloader is not resumable:UserWarning",
        "ignore::DeprecationWarning",
    )
    def test_resume_given_and_saved_from_a_lightning_checkpoint(self, tmp_path: Path) -> None:
        first = self.module(PLAN, "saved", weight_decay=WD)
        path = tmp_path / "step6.ckpt"
        self.fit(first, 6).save_checkpoint(path)
        assert first.seen == [(k, PLAN(k), WD(k)) for k in range(6)]
        assert open_without_lrsched(path, "lr_schedulers.0") == ["6", "Phases", "['weight_decay']"]

        given = self.module(LONGER, "given", weight_decay=WD)
        self.fit(given, 12, path)
        assert given.seen == [(k, LONGER(k), WD(k)) for k in range(6, 12)]

        saved = self.module(LONGER, "saved", weight_decay=Constant(lr=0.0))
        with pytest.warns(ScheduleChangedWarning, match="lr of param group 0; weight_decay"):
            self.fit(saved, 12, path)
        assert saved.seen == [(k, PLAN(k), WD(k)) for k in range(6, 12)]
