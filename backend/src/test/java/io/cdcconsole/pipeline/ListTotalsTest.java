package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Reused list totals: a pipeline change drops every one; a run change only those that count by
 * current run; and a count that raced with a change that can move it is not kept.
 */
class ListTotalsTest {
  private static final ListTotals.Key ALL =
      ListTotals.Key.of("select count(*) from pipeline p", List.of(), false);
  private static final ListTotals.Key RUNNING =
      ListTotals.Key.of(
          "select count(*) from pipeline p left join pipeline_run cr on cr.id = p.current_run_id "
              + "where cr.state = any($1)",
          List.<Object>of(new String[] {"RUNNING"}),
          true);

  @Test
  void aRunChangeDropsOnlyTheTotalsThatCountByRun() {
    ListTotals totals = new ListTotals();
    put(totals, ALL, 10_000);
    put(totals, RUNNING, 8_700);
    assertEquals(Optional.of(8_700L), totals.get(key(RUNNING)), "arrays compare by content");

    totals.runChanged();
    assertEquals(Optional.of(10_000L), totals.get(ALL));
    assertEquals(Optional.empty(), totals.get(RUNNING));

    put(totals, RUNNING, 8_699);
    totals.changed();
    assertEquals(Optional.empty(), totals.get(ALL));
    assertEquals(Optional.empty(), totals.get(RUNNING));
  }

  @Test
  void aCountThatRacedWithAChangeThatMovesItIsNotKept() {
    ListTotals totals = new ListTotals();
    long all = totals.generation(ALL);
    long running = totals.generation(RUNNING);
    long startedAt = System.nanoTime();
    totals.runChanged(); // while both counts ran
    totals.put(ALL, 10_000, startedAt, all);
    totals.put(RUNNING, 8_700, startedAt, running);
    assertEquals(Optional.of(10_000L), totals.get(ALL), "a run change cannot move it");
    assertEquals(Optional.empty(), totals.get(RUNNING));

    long again = totals.generation(ALL);
    totals.changed();
    totals.put(ALL, 10_000, System.nanoTime(), again);
    assertEquals(Optional.empty(), totals.get(ALL));
  }

  private static void put(ListTotals totals, ListTotals.Key key, long total) {
    totals.put(key, total, System.nanoTime(), totals.generation(key));
  }

  /** The same key built again, with a new array of the same content. */
  private static ListTotals.Key key(ListTotals.Key key) {
    return ListTotals.Key.of(key.sql(), List.<Object>of(new String[] {"RUNNING"}), key.byRun());
  }
}
