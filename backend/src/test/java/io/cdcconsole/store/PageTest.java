package io.cdcconsole.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageTest {

  @Test
  void aSliceIsTheRequestedWindowWithTheWholeTotal() {
    List<Integer> all = List.of(1, 2, 3, 4, 5);
    assertEquals(new Page<>(List.of(2, 3), 5, 2, 1), Page.slice(all, new PageRequest(2, 1)));
    assertEquals(new Page<>(List.of(5), 5, 50, 4), Page.slice(all, new PageRequest(50, 4)));
    assertEquals(new Page<>(List.of(), 5, 10, 9), Page.slice(all, new PageRequest(10, 9)));
  }

  @Test
  void aSliceOfJsonAnswersTheListEnvelope() {
    JsonArray all =
        new JsonArray().add(new JsonObject().put("id", 1)).add(new JsonObject().put("id", 2));
    assertEquals(
        new JsonObject()
            .put("items", new JsonArray().add(new JsonObject().put("id", 2)))
            .put("total", 2)
            .put("limit", 1)
            .put("offset", 1),
        Page.slice(all, new PageRequest(1, 1)).toJson(o -> o));
  }
}
