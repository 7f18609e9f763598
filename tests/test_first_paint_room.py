"""A room of viewers: the rest of a page waits while another session paints its headline
(ui/pitch/first_paint.FirstPaints), and never waits when nobody else is painting."""

import threading

from ui.pitch.first_paint import FirstPaints


def test_a_lone_viewer_does_not_wait():
    paints = FirstPaints()
    with paints.painting():
        pass
    assert paints.wait_for_others(timeout=0) is True


def test_the_rest_waits_until_every_other_headline_is_drawn():
    paints, order = FirstPaints(), []
    second_started, second_may_finish = threading.Event(), threading.Event()

    def second_viewer():
        with paints.painting():
            second_started.set()
            second_may_finish.wait(5)
            order.append("second headline")

    with paints.painting():
        order.append("first headline")
    thread = threading.Thread(target=second_viewer)
    thread.start()
    second_started.wait(5)
    waiting = threading.Thread(target=lambda: (paints.wait_for_others(timeout=10), order.append("first rest")))
    waiting.start()
    waiting.join(0.2)
    assert waiting.is_alive()  # still waiting: the second viewer is painting
    second_may_finish.set()
    thread.join(5)
    waiting.join(5)
    assert order == ["first headline", "second headline", "first rest"]


def test_the_wait_is_bounded_and_an_error_still_counts_the_painter_out():
    paints = FirstPaints()
    blocker = threading.Event()

    def stuck_painter():
        with paints.painting():
            blocker.wait(5)

    holder = threading.Thread(target=stuck_painter)
    holder.start()
    holder.join(0.1)
    assert paints.wait_for_others(timeout=0.05) is False  # a stuck painter cannot hold the room
    blocker.set()
    holder.join(5)
    failing = FirstPaints()
    try:
        with failing.painting():
            raise RuntimeError("a stopped run")
    except RuntimeError:
        pass
    assert failing.wait_for_others(timeout=0) is True
