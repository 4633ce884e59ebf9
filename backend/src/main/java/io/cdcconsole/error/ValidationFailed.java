package io.cdcconsole.error;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Input that parsed but is not acceptable; every error names its field. */
public final class ValidationFailed extends ApiError {
  private final List<FieldError> errors;

  public ValidationFailed(List<FieldError> errors) {
    super(400, "Validation Failed", summary(errors));
    this.errors = List.copyOf(errors);
  }

  public static ValidationFailed of(String path, String message) {
    return new ValidationFailed(List.of(FieldError.of(path, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }

  @Override
  public JsonObject extensions() {
    JsonArray array = new JsonArray();
    errors.forEach(e -> array.add(e.toJson()));
    return new JsonObject().put("errors", array);
  }

  private static String summary(List<FieldError> errors) {
    if (errors.size() == 1) {
      FieldError e = errors.get(0);
      return e.path() + ": " + e.message();
    }
    return errors.size() + " fields are invalid; see errors.";
  }
}
