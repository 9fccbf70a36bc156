"""The actions and decisions register: each action from the meeting that raised it to the
meeting that closed it. Part of the link stage; pure."""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass

from ..model.records import Action, ActionUpdate, Decision, Meeting
from ..problems import Problem, error, warning


@dataclass(frozen=True)
class ActionState:
    status: str                              # open | done | dropped
    closed_in: str | None                    # meeting key
    updates: tuple[ActionUpdate, ...]        # progress notes and the closing line, in order
    age: int                                 # meetings of the body since it was raised
    overdue: bool


@dataclass(frozen=True)
class Register:
    actions: dict[str, Action]               # oldest meeting first, then A1, A2, …
    decisions: dict[str, Decision]
    states: dict[str, ActionState]
    update_targets: dict[tuple[str, int], str]   # (meeting key, update index) -> action key

    def outstanding(self) -> list[str]:
        return [key for key, state in self.states.items() if state.status == "open"]

    def closed(self) -> list[str]:
        return [key for key, state in self.states.items() if state.status != "open"]


def build_register(meetings: list[Meeting], members: bool) -> tuple[Register, list[Problem]]:
    """Meetings oldest first; `members` False leaves out everything in members blocks."""
    actions = {a.key: a for m in meetings for a in m.actions if members or not a.members_only}
    decisions = {d.key: d for m in meetings for d in m.decisions if members or not d.members_only}
    by_key = {m.key: m for m in meetings}
    problems = [warning(m.path, a.line, f"due date {a.due} of {a.number} is before the meeting "
                        f"itself ({m.date}) — correct the date")
                for m in meetings for a in m.actions if a.due and a.due < m.date]
    history: dict[str, list[ActionUpdate]] = {key: [] for key in actions}
    closing: dict[str, str] = {}
    update_targets = {}
    for meeting in meetings:
        for index, update in enumerate(meeting.updates):
            if update.members_only and not members:
                continue
            target = _apply(meeting, update, actions, by_key, history, closing, problems)
            if target:
                update_targets[(meeting.key, index)] = target
    states = _states(meetings, actions, history, closing)
    return Register(actions, decisions, states, update_targets), problems


def _apply(meeting, update, actions, meetings_by_key, history, closing, problems) -> str | None:
    """Record one status line against its action; returns the action key when it applies."""
    here = f"{meeting.path}", update.line
    if len(update.targets) != 1:
        found = "no" if not update.targets else f"{len(update.targets)}"
        problems.append(error(*here, f"this status line refers to {found} actions — it needs "
                              "exactly one reference like [[2023-07-10#A2]]"))
        return None
    target = update.targets[0]
    action = actions.get(target)
    if action is None:
        return None                 # a missing target is reported by the reference check
    raised = meetings_by_key[action.meeting]
    # Across bodies there is no order within a day: a status line needs a later date.
    later = (meeting.sort_key > raised.sort_key if meeting.body == raised.body
             else meeting.date > raised.date)
    if not later:
        problems.append(error(*here, f"{target} is updated in a meeting that is not later than "
                              "the one that raised it — status lines belong in later minutes"))
        return None
    if target in closing:
        problems.append(error(*here, f"action {target} was already closed in "
                              f"{closing[target]} — remove this line or refer to another action"))
        return None
    history[target].append(update)
    if update.kind in ("done", "dropped"):
        closing[target] = meeting.key
    return target


def _states(meetings, actions, history, closing) -> dict[str, ActionState]:
    newest = meetings[-1].date if meetings else dt.date.min
    when = {m.key: m.sort_key for m in meetings}
    held: dict[str, list] = {}          # body -> sort keys of its meetings, oldest first
    for meeting in meetings:
        held.setdefault(meeting.body, []).append(meeting.sort_key)
    states = {}
    for key, action in actions.items():
        closed_in = closing.get(key)
        last = history[key][-1].kind if closed_in else "open"
        body_meetings = held[action.meeting.split("/")[0]]
        end = bisect_right(body_meetings, when[closed_in]) if closed_in else len(body_meetings)
        states[key] = ActionState(
            status=last, closed_in=closed_in, updates=tuple(history[key]),
            age=max(0, end - bisect_right(body_meetings, when[action.meeting])),
            overdue=last == "open" and action.due is not None and action.due < newest)
    return states
