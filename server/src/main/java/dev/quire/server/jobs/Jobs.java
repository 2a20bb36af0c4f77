package dev.quire.server.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.datasets.SourceInfo;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import dev.quire.server.collections.Collection;
import dev.quire.server.collections.Collections;
import dev.quire.server.observability.AuditLog;
import dev.quire.server.observability.Metrics;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexing jobs: one worker per collection runs its jobs in order while searches go on. Every
 * job is a file in {@code <collection>/jobs/}, rewritten as it advances, so a restart finds the
 * jobs that were queued or running and runs them again; the engine then skips the pages the
 * interrupted run had already stored. At shutdown the running jobs stop after their current page.
 */
public final class Jobs implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

  /** Finished jobs kept per collection; older records are deleted at start. */
  static final int KEEP_FINISHED = 200;

  /** Progress is pushed to watchers at most this often (state changes always go out). */
  private static final long NOTIFY_EVERY_NANOS = 100_000_000L;

  /** Receives a job's changes, e.g. a server-sent-events stream. */
  public interface Watcher {
    void changed(JobRecord job);

    /** The server is stopping: no more changes will come. */
    void closed();
  }

  /** A file a client sent, waiting in a temporary file to be handed to a job. */
  public record Upload(Path temporaryFile, String fileName, String contentHash) {}

  private final Collections collections;
  private final Metrics metrics;
  private final AuditLog audit;
  private final Webhooks webhooks;
  private final ObjectMapper json;
  private final Clock clock;
  private final Duration shutdownTimeout;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, ExecutorService> workers = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  /** Serialises moving uploads into place with deleting the uploads of finished jobs. */
  private final Object uploads = new Object();

  private volatile boolean stopping;
  private volatile TaskExecutor taskExecutor;

  /** Who runs document-task jobs (the HTTP layer, which holds the tasks and generators). */
  public void taskExecutor(TaskExecutor executor) {
    this.taskExecutor = executor;
  }

  /** The results of a document-task job: a JSON line per document (absent for indexing jobs). */
  public Optional<Path> results(String id) {
    Job job = jobs.get(id);
    if (job == null || job.record.task() == null) {
      return Optional.empty();
    }
    return collections.get(job.record.collection())
        .map(c -> c.jobsDirectory().resolve(id + ".results.jsonl"));
  }

  public Jobs(
      Collections collections,
      Metrics metrics,
      AuditLog audit,
      Webhooks webhooks,
      ObjectMapper json,
      Clock clock,
      Duration shutdownTimeout) {
    this.collections = collections;
    this.metrics = metrics;
    this.audit = audit;
    this.webhooks = webhooks;
    this.json = json;
    this.clock = clock;
    this.shutdownTimeout = shutdownTimeout;
    metrics.gauge("quire.jobs", "Indexing jobs by state", () -> count(JobState.QUEUED), "state", "queued");
    metrics.gauge("quire.jobs", "Indexing jobs by state", () -> count(JobState.RUNNING), "state", "running");
  }

  /** A job in memory: its latest record, who watches it, whether a client asked it to stop. */
  private static final class Job {
    volatile JobRecord record;
    volatile boolean cancelRequested;
    final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    long lastNotified;

    Job(JobRecord record) {
      this.record = record;
    }
  }

  // ------------------------------------------------------------------ submitting

  /**
   * Queues a job over server-side {@code files} and client {@code uploads} (moved out of their
   * temporary files into the collection's upload store, where the same content under the same name
   * is the same document); {@code rejected} files of the same request are reported with it.
   */
  public JobRecord submit(
      Collection collection,
      List<Path> files,
      List<Upload> uploaded,
      List<JobRecord.Skipped> rejected,
      String webhookUrl,
      String actor,
      String requestId,
      String origin)
      throws IOException {
    String id = "job_" + HexFormat.of().formatHex(randomBytes(8));
    List<String> all = new ArrayList<>();
    files.forEach(f -> all.add(f.toString()));
    List<String> owned = new ArrayList<>();
    Job job;
    synchronized (uploads) {
      for (Upload upload : uploaded) {
        Path folder = collection.uploadsDirectory().resolve(upload.contentHash().substring(0, 32));
        Files.createDirectories(folder);
        Path target = folder.resolve(upload.fileName());
        Files.move(upload.temporaryFile(), target, StandardCopyOption.REPLACE_EXISTING);
        all.add(target.toString());
        owned.add(target.toString());
      }
      JobRecord record =
          new JobRecord(
              id, collection.name(), JobState.QUEUED, origin, actor, requestId, clock.instant(),
              null, null, all, owned, webhookUrl,
              new JobRecord.Progress(all.size(), 0, 0, 0, null, 0, 0), null, null, 0, null,
              rejected);
      job = new Job(record);
      persist(collection, record);
      jobs.put(id, job);
    }
    audit.record(
        requestId, actor, "index.submitted", collection.name(),
        Map.of("job", id, "documents", all.size(), "origin", origin));
    schedule(collection, job);
    return job.record;
  }

  /** Queues a document-task job over {@code documentIds} of {@code collection}. */
  public JobRecord submitTask(Collection collection, JobRecord.TaskJob task, List<String> documentIds,
      String webhookUrl, String actor, String requestId) throws IOException {
    String id = "job_" + HexFormat.of().formatHex(randomBytes(8));
    JobRecord record = new JobRecord(id, collection.name(), JobState.QUEUED, "api", actor, requestId,
        clock.instant(), null, null, documentIds, List.of(), webhookUrl,
        new JobRecord.Progress(documentIds.size(), 0, 0, 0, null, 0, 0), null, null, 0, task,
        List.of());
    Job job = new Job(record);
    persist(collection, record);
    jobs.put(id, job);
    audit.record(requestId, actor, "task." + task.name() + ".submitted", collection.name(),
        Map.of("job", id, "documents", documentIds.size()));
    schedule(collection, job);
    return job.record;
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private void schedule(Collection collection, Job job) {
    if (stopping) {
      return; // Saved as queued: it runs at the next start.
    }
    // document tasks have their own worker: a long extraction does not hold up indexing
    workers
        .computeIfAbsent(
            job.record.task() == null ? collection.name() : collection.name() + "#tasks",
            name ->
                Executors.newSingleThreadExecutor(
                    r -> Thread.ofPlatform().name("quire-jobs-" + name).unstarted(r)))
        .execute(() -> run(collection, job));
  }

  // ------------------------------------------------------------------ reading

  public Optional<JobRecord> get(String id) {
    return Optional.ofNullable(jobs.get(id)).map(j -> j.record);
  }

  /** Jobs of the collections {@code visible} accepts, newest first. */
  public List<JobRecord> list(Predicate<String> visible) {
    return jobs.values().stream()
        .map(j -> j.record)
        .filter(r -> visible.test(r.collection()))
        .sorted(Comparator.comparing(JobRecord::createdAt).reversed())
        .toList();
  }

  public int count(JobState state) {
    return (int) jobs.values().stream().filter(j -> j.record.state() == state).count();
  }

  /** Follows a job until {@code watcher} is removed; returns the remover. */
  public Optional<Runnable> watch(String id, Watcher watcher) {
    Job job = jobs.get(id);
    if (job == null) {
      return Optional.empty();
    }
    job.watchers.add(watcher);
    return Optional.of(() -> job.watchers.remove(watcher));
  }

  // ------------------------------------------------------------------ cancelling

  /** The job was already finished and cannot be cancelled. */
  public static final class JobFinishedException extends Exception {
    JobFinishedException(JobRecord job) {
      super("job " + job.id() + " already finished (" + job.state().name().toLowerCase() + ")");
    }
  }

  /**
   * Stops a job: a queued one at once, a running one after its current page. Pages already stored
   * stay staged, so submitting the same files again resumes them.
   */
  public JobRecord cancel(String id, String actor, String requestId) throws JobFinishedException {
    Job job = jobs.get(id);
    if (job == null) {
      throw new IllegalArgumentException("no job " + id);
    }
    boolean cancelledNow;
    synchronized (job) {
      JobRecord r = job.record;
      if (r.state().finished()) {
        throw new JobFinishedException(r);
      }
      job.cancelRequested = true;
      cancelledNow = r.state() != JobState.RUNNING;
      if (cancelledNow) {
        update(job, x -> finish(x, JobState.CANCELLED, x.result(), null));
      }
    }
    audit.record(requestId, actor, "job.cancel_requested", job.record.collection(), Map.of("job", id));
    if (cancelledNow) {
      collections.get(job.record.collection()).ifPresent(c -> {
        persistQuietly(c, job.record);
        removeUploads(c, job, job.record.result());
      });
      announce(job.record);
    }
    return job.record;
  }

  // ------------------------------------------------------------------ running

  private void run(Collection collection, Job job) {
    synchronized (job) {
      if (stopping || job.record.state() != JobState.QUEUED) {
        return; // Stopping: it stays queued on disk and runs at the next start.
      }
      update(
          job,
          r ->
              new JobRecord(
                  r.id(), r.collection(), JobState.RUNNING, r.origin(), r.submittedBy(),
                  r.requestId(), r.createdAt(), clock.instant(), null, r.files(), r.uploads(),
                  r.webhookUrl(), new JobRecord.Progress(r.files().size(), 0, 0, 0, null, 0, 0),
                  null, null, r.attempts() + 1, r.task(), r.rejected()));
    }
    persistQuietly(collection, job.record);
    if (job.record.task() != null) {
      runTask(collection, job);
      return;
    }
    List<Path> present = new ArrayList<>();
    List<JobRecord.Skipped> missing = new ArrayList<>(job.record.rejected());
    for (String file : job.record.files()) {
      Path path = Path.of(file);
      if (Files.isRegularFile(path)) {
        present.add(path);
      } else {
        missing.add(
            new JobRecord.Skipped(
                String.valueOf(path.getFileName()), 0, "MISSING", "the file is no longer on the server"));
      }
    }
    IndexReport report = null;
    String error = null;
    try {
      if (!present.isEmpty()) {
        report = collection.quire().index(present, new Listener(collection, job));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("job {} in collection {} failed", job.record.id(), collection.name(), e);
      error = describe(e);
    }
    end(collection, job, report != null && report.cancelled(), result(report, missing), error);
  }

  /**
   * A run's end: failed when it threw, cancelled or interrupted (a shutdown: it resumes at the next
   * start) when it stopped early, else completed; saved, and a finished job announced.
   */
  private void end(Collection collection, Job job, boolean stoppedEarly, JobRecord.Result result,
      String error) {
    JobState end;
    String failure = error;
    if (error != null) {
      end = JobState.FAILED;
    } else if (stoppedEarly) {
      end = job.cancelRequested ? JobState.CANCELLED : JobState.INTERRUPTED;
    } else if (result == null || result.skipped().isEmpty()) {
      end = JobState.COMPLETED;
    } else if (result.indexed().isEmpty() && result.unchanged().isEmpty()
        && result.pagesIndexed() == 0) {
      end = JobState.FAILED;
      JobRecord.Skipped first = result.skipped().get(0);
      failure = "nothing could be indexed: " + first.file() + ": " + first.message()
          + (result.skipped().size() > 1
              ? " (and " + (result.skipped().size() - 1) + " more in result.skipped)"
              : "");
    } else {
      end = JobState.COMPLETED_WITH_ERRORS;
    }
    String ended = failure;
    if (!end.finished()) {
      synchronized (job) {
        update(job, r -> finish(r, end, result, ended));
      }
      persistQuietly(collection, job.record);
      LOG.info("job {} interrupted by shutdown; it resumes at the next start", job.record.id());
      return;
    }
    // on disk first, uploads gone next, and only then visible: whoever sees the job finished
    // finds its uploads removed, and a crash in between leaves a finished job, not a rerun
    persistQuietly(collection, finish(job.record, end, result, ended));
    removeUploads(collection, job, result);
    synchronized (job) {
      update(job, r -> finish(r, end, result, ended));
    }
    announce(job.record);
  }

  private void runTask(Collection collection, Job job) {
    TaskExecutor executor = taskExecutor;
    TaskExecutor.Outcome outcome = null;
    String error = null;
    long start = System.nanoTime();
    try {
      if (executor == null) {
        throw new IllegalStateException("this server runs no document tasks (no generation backend)");
      }
      outcome = executor.run(collection, job.record,
          collection.jobsDirectory().resolve(job.record.id() + ".results.jsonl"),
          new TaskExecutor.Progress() {
            @Override
            public void started(String documentId, int pages) {
              progress(job, p -> new JobRecord.Progress(p.documentsTotal(), p.documentsDone(),
                  p.pagesDone(), p.pagesTotal() + pages, documentId, 0, pages), true);
            }

            @Override
            public void finished(String documentId) {
              progress(job, p -> new JobRecord.Progress(p.documentsTotal(), p.documentsDone() + 1,
                  p.pagesDone() + p.currentPages(), p.pagesTotal(), null, 0, 0), true);
              persistQuietly(collection, job.record);
            }
          },
          () -> job.cancelRequested || stopping);
    } catch (IOException | RuntimeException e) {
      LOG.warn("job {} in collection {} failed", job.record.id(), collection.name(), e);
      error = describe(e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    JobRecord.Result result = outcome == null ? null : new JobRecord.Result(outcome.done(), List.of(),
        outcome.failed(), outcome.pages(), 0, 0,
        List.of("results: GET /v1/jobs/" + job.record.id() + "/results"), seconds);
    end(collection, job, outcome != null && outcome.cancelled(), result, error);
  }

  /**
   * Changes a running job's progress and tells its watchers: state changes ({@code always})
   * at once, page-by-page progress at most every {@value #NOTIFY_EVERY_NANOS} ns.
   */
  private void progress(Job job, UnaryOperator<JobRecord.Progress> change, boolean always) {
    JobRecord next;
    synchronized (job) {
      JobRecord r = job.record;
      next = new JobRecord(r.id(), r.collection(), r.state(), r.origin(), r.submittedBy(),
          r.requestId(), r.createdAt(), r.startedAt(), r.finishedAt(), r.files(), r.uploads(),
          r.webhookUrl(), change.apply(r.progress()), r.result(), r.error(), r.attempts(), r.task(), r.rejected());
      job.record = next;
      long now = System.nanoTime();
      if (!always && now - job.lastNotified < NOTIFY_EVERY_NANOS) {
        return;
      }
      job.lastNotified = now;
    }
    notifyWatchers(job, next);
  }

  private JobRecord finish(JobRecord r, JobState state, JobRecord.Result result, String error) {
    return new JobRecord(
        r.id(), r.collection(), state, r.origin(), r.submittedBy(), r.requestId(), r.createdAt(),
        r.startedAt(), state.finished() ? clock.instant() : null, r.files(), r.uploads(),
        r.webhookUrl(), r.progress(), result, error, r.attempts(), r.task(), r.rejected());
  }

  /** A finished job, saved and its uploads removed, goes to the audit log and its webhook. */
  private void announce(JobRecord r) {
    audit.record(
        r.requestId(), r.submittedBy(), "job." + r.state().name().toLowerCase(), r.collection(),
        Map.of(
            "job", r.id(),
            "indexed", r.result() == null ? List.of() : r.result().indexed(),
            "error", r.error() == null ? "" : r.error()));
    webhooks.deliver(r.webhookUrl(), "job." + r.state().name().toLowerCase(), JobView.of(r));
  }

  private static JobRecord.Result result(IndexReport report, List<JobRecord.Skipped> missing) {
    List<JobRecord.Skipped> skipped = new ArrayList<>(missing);
    if (report == null) {
      return new JobRecord.Result(List.of(), List.of(), skipped, 0, 0, 0, List.of(), 0);
    }
    for (IndexReport.Skipped s : report.skipped()) {
      skipped.add(
          new JobRecord.Skipped(
              String.valueOf(s.file().getFileName()), s.page(), s.reason(), s.message()));
    }
    return new JobRecord.Result(
        report.indexed(), report.unchanged(), skipped, report.pagesIndexed(),
        report.pagesResumed(), report.pagesEmbedded(), report.notes(), report.seconds());
  }

  /** The message a client can act on, without the server's internals. */
  private static String describe(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /**
   * A finished job's uploads, except those that became documents: they stay as the documents'
   * original files (served at /v1/documents/{id}/file) until the document is deleted.
   */
  private void removeUploads(Collection collection, Job finished, JobRecord.Result result) {
    Set<String> originals = new HashSet<>();
    if (result != null && finished.record.task() == null) {
      for (String id : concat(result.indexed(), result.unchanged())) {
        collection.quire().document(id).ifPresent(d -> originals.add(d.sourcePath()));
      }
    }
    synchronized (uploads) {
      Set<String> needed = new HashSet<>(originals);
      for (Job other : jobs.values()) {
        if (other != finished
            && other.record.collection().equals(collection.name())
            && !other.record.state().finished()) {
          needed.addAll(other.record.uploads());
        }
      }
      for (String upload : finished.record.uploads()) {
        if (!needed.contains(upload)) {
          deleteUpload(collection, Path.of(upload), finished.record.id());
        }
      }
    }
  }

  /** Deletes a deleted document's original if it is an upload this server keeps (and no job needs it). */
  public void removeOriginal(Collection collection, Path source) {
    Path file = source.toAbsolutePath().normalize();
    if (!file.startsWith(collection.uploadsDirectory().toAbsolutePath().normalize())) {
      return; // a file under an allowed root belongs to its owner
    }
    synchronized (uploads) {
      for (Job job : jobs.values()) {
        if (!job.record.state().finished() && job.record.uploads().contains(source.toString())) {
          return;
        }
      }
      deleteUpload(collection, file, "document deletion");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void deleteUpload(Collection collection, Path file, String what) {
    try {
      Files.deleteIfExists(file);
      Path folder = file.getParent();
      if (folder.startsWith(collection.uploadsDirectory())) {
        try {
          Files.deleteIfExists(folder);
        } catch (DirectoryNotEmptyException e) {
          // Another upload with the same content but another name still lives there.
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot remove upload {} ({}): {}", file, what, e.toString());
    }
  }

  /** Reports a running job's progress to its record, metrics and watchers. */
  private final class Listener implements IndexListener {
    private final Collection collection;
    private final Job job;

    Listener(Collection collection, Job job) {
      this.collection = collection;
      this.job = job;
    }

    @Override
    public void documentStarted(SourceInfo source, int pages) {
      progress(
          p ->
              new JobRecord.Progress(
                  p.documentsTotal(), p.documentsDone(), p.pagesDone(), p.pagesTotal() + pages,
                  String.valueOf(source.path().getFileName()), 0, pages),
          true);
    }

    @Override
    public void pageIndexed(SourceInfo source, int pageNumber) {
      metrics.pageIndexed(collection.name());
      progress(
          p ->
              new JobRecord.Progress(
                  p.documentsTotal(), p.documentsDone(), p.pagesDone() + 1, p.pagesTotal(),
                  p.currentDocument(), Math.min(p.currentPage() + 1, p.currentPages()),
                  p.currentPages()),
          false);
    }

    @Override
    public void documentFinished(Path file, IndexReport.Outcome outcome) {
      metrics.documentIndexed(collection.name(), outcome.name().toLowerCase());
      progress(
          p ->
              new JobRecord.Progress(
                  p.documentsTotal(), p.documentsDone() + 1, p.pagesDone(), p.pagesTotal(), null,
                  0, 0),
          true);
      persistQuietly(collection, job.record);
    }

    @Override
    public boolean cancelled() {
      return job.cancelRequested || stopping;
    }

    private void progress(UnaryOperator<JobRecord.Progress> change, boolean always) {
      Jobs.this.progress(job, change, always);
    }
  }

  private void update(Job job, UnaryOperator<JobRecord> change) {
    job.record = change.apply(job.record);
    job.lastNotified = System.nanoTime();
    notifyWatchers(job, job.record);
  }

  private static void notifyWatchers(Job job, JobRecord record) {
    for (Watcher w : job.watchers) {
      try {
        w.changed(record);
      } catch (RuntimeException e) {
        job.watchers.remove(w);
      }
    }
  }

  // ------------------------------------------------------------------ persistence

  private void persist(Collection collection, JobRecord record) throws IOException {
    Path file = collection.jobsDirectory().resolve(record.id() + ".json");
    Path tmp = collection.jobsDirectory().resolve(record.id() + ".json.tmp");
    Files.write(tmp, json.writeValueAsBytes(record));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void persistQuietly(Collection collection, JobRecord record) {
    try {
      persist(collection, record);
    } catch (IOException e) {
      LOG.warn("cannot save job {}: {}", record.id(), e.toString());
    }
  }

  /**
   * Loads the jobs saved by earlier runs: finished ones for display (the newest {@value
   * #KEEP_FINISHED} per collection), and queues again those a shutdown or crash interrupted.
   */
  public void recover() throws IOException {
    for (Collection collection : collections.all()) {
      List<JobRecord> records = new ArrayList<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(collection.jobsDirectory())) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (name.endsWith(".json.tmp")) {
            Files.deleteIfExists(file);
          } else if (name.endsWith(".json") && !name.endsWith(".results.json")) {
            try {
              records.add(json.readValue(file.toFile(), JobRecord.class));
            } catch (IOException e) {
              LOG.warn("ignoring unreadable job record {}: {}", file, e.toString());
            }
          }
        }
      }
      records.sort(Comparator.comparing(JobRecord::createdAt));
      List<JobRecord> finished = records.stream().filter(r -> r.state().finished()).toList();
      for (int i = 0; i < finished.size() - KEEP_FINISHED; i++) {
        Files.deleteIfExists(collection.jobsDirectory().resolve(finished.get(i).id() + ".json"));
        Files.deleteIfExists(collection.jobsDirectory().resolve(finished.get(i).id() + ".results.jsonl"));
      }
      for (JobRecord r : finished.subList(Math.max(0, finished.size() - KEEP_FINISHED), finished.size())) {
        jobs.put(r.id(), new Job(r));
      }
      for (JobRecord r : records) {
        if (!r.state().finished()) {
          Job job = new Job(r.with(JobState.QUEUED));
          jobs.put(r.id(), job);
          persist(collection, job.record);
          LOG.info("resuming job {} in collection {} (it was {})", r.id(), collection.name(),
              r.state().name().toLowerCase());
          schedule(collection, job);
        }
      }
    }
  }

  /**
   * Starts stopping, without waiting: running jobs stop after their current page, queued ones stay
   * queued (both run again at the next start), and watchers are told no more changes will come.
   */
  public void stop() {
    stopping = true;
    for (ExecutorService worker : workers.values()) {
      worker.shutdown();
    }
    for (Job job : jobs.values()) {
      for (Watcher w : job.watchers) {
        w.closed();
      }
      job.watchers.clear();
    }
  }

  /** Stops, then waits for the running jobs to save where they are. */
  @Override
  public void close() {
    stop();
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    for (Map.Entry<String, ExecutorService> worker : workers.entrySet()) {
      try {
        if (!worker.getValue().awaitTermination(
            Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          LOG.warn("the job of collection {} did not stop in time", worker.getKey());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
