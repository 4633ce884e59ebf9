package io.cdcconsole.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaParameterizedType;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the backend (issue 8 §5), checked on the compiled classes: features depend
 * one way ({@code ds → run → pipeline → cluster, secret}), the HTTP toolkit knows no feature, only
 * the gateway's package uses the Flink REST client, SQL is written only in stores, and stores and
 * services answer records, not JSON.
 */
class PackageRulesTest {
  private static final String ROOT = "io.cdcconsole";
  private static final String[] FEATURES = {
    "..audit..",
    "..auth..",
    "..cluster..",
    "..ds..",
    "..overview..",
    "..pipeline..",
    "..run..",
    "..secret.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void featuresDependOneWay() {
    noClasses()
        .that()
        .resideInAnyPackage("..cluster..", "..secret..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..pipeline..", "..run..", "..ds..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("..pipeline..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..run..", "..ds..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("..run..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("..ds..")
        .check(classes);
  }

  @Test
  void theHttpToolkitAndTheAccessModelKnowNoFeature() {
    noClasses()
        .that()
        .resideInAnyPackage(
            ROOT + ".web..", ROOT + ".access..", ROOT + ".store..", ROOT + ".error..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(FEATURES)
        .check(classes);
  }

  /**
   * Flink's paths and field names live in the gateway: outside {@code cluster}, Flink is reached
   * through {@code FlinkGateway}'s records. Its error types ({@code FlinkRestException}, {@code
   * AnswerTooLargeException}, nested in the client) are the gateway's answers and stay usable.
   */
  @Test
  void onlyTheGatewaysPackageUsesTheFlinkRestClient() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".cluster..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ROOT + ".cluster.FlinkRestClient")
        .check(classes);
  }

  @Test
  void sqlIsWrittenOnlyInStores() {
    DescribedPredicate<JavaMethodCall> sql =
        new DescribedPredicate<>("a query on a SQL client") {
          @Override
          public boolean test(JavaMethodCall call) {
            return call.getTargetOwner().isAssignableTo(io.vertx.sqlclient.SqlClient.class)
                && Set.of(
                        "query",
                        "preparedQuery",
                        "withTransaction",
                        "withConnection",
                        "getConnection")
                    .contains(call.getName());
          }
        };
    noClasses()
        .that()
        .haveSimpleNameNotEndingWith("Store")
        .and()
        .resideOutsideOfPackage(ROOT + ".store..")
        .should()
        .callMethodWhere(sql)
        .check(classes);
  }

  @Test
  void storesAnswerRecordsNotJson() {
    methods()
        .that()
        .areDeclaredInClassesThat()
        .haveSimpleNameEndingWith("Store")
        .or()
        .areDeclaredInClassesThat()
        .haveSimpleName("PipelineRuns")
        .and()
        .areNotPrivate()
        .should(notAnswerJson())
        .check(classes);
  }

  /** Services answer domain records too: the JSON of an answer is written by the routes. */
  @Test
  void servicesAnswerRecordsNotJson() {
    methods()
        .that()
        .areDeclaredInClassesThat()
        .haveSimpleNameEndingWith("Service")
        .and()
        .areNotPrivate()
        .should(notAnswerJson())
        .check(classes);
  }

  private static ArchCondition<JavaMethod> notAnswerJson() {
    return new ArchCondition<>(
        "not answer io.vertx.core.json types (also not inside Future, List, Map, Optional)") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        if (!mentionsJson(method.getReturnType())) {
          return;
        }
        events.add(
            SimpleConditionEvent.violated(
                method,
                method.getFullName() + " answers JSON: " + method.getReturnType().getName()));
      }
    };
  }

  private static boolean mentionsJson(JavaType type) {
    if (type.toErasure().getPackageName().equals("io.vertx.core.json")) {
      return true;
    }
    return type instanceof JavaParameterizedType p
        && p.getActualTypeArguments().stream().anyMatch(PackageRulesTest::mentionsJson);
  }
}
