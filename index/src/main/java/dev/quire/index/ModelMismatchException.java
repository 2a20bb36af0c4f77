package dev.quire.index;

/** The index holds vectors of one model and was asked to accept or serve another. */
public final class ModelMismatchException extends IllegalStateException {
  private final transient ModelStamp indexModel;
  private final transient ModelStamp requestedModel;

  public ModelMismatchException(String index, ModelStamp indexModel, ModelStamp requestedModel) {
    super(
        "index "
            + index
            + " holds vectors of model "
            + indexModel
            + " but model "
            + requestedModel
            + " was requested; use the same model or build a new index");
    this.indexModel = indexModel;
    this.requestedModel = requestedModel;
  }

  public ModelStamp indexModel() {
    return indexModel;
  }

  public ModelStamp requestedModel() {
    return requestedModel;
  }
}
