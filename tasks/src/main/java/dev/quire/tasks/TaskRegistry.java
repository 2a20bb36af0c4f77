package dev.quire.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The document tasks by name, registered once. */
public final class TaskRegistry {

  private final Map<String, TaskDefinition<?, ?>> tasks = new LinkedHashMap<>();

  public TaskRegistry register(TaskDefinition<?, ?> task) {
    if (tasks.putIfAbsent(task.name(), task) != null) {
      throw new IllegalArgumentException("a task named " + task.name() + " is registered already");
    }
    return this;
  }

  /** The built-in tasks with their default settings. */
  public static TaskRegistry builtIn() {
    return new TaskRegistry().register(new ClassifyTask(ClassifyTask.DEFAULT_LABELS))
        .register(new dev.quire.tasks.extract.ExtractTask());
  }

  public TaskDefinition<?, ?> get(String name) {
    TaskDefinition<?, ?> task = tasks.get(name);
    if (task == null) {
      throw new IllegalArgumentException("no task '" + name + "'; tasks: " + names());
    }
    return task;
  }

  public List<String> names() {
    return List.copyOf(tasks.keySet());
  }
}
