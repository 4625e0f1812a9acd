// OWL 2 DL profile check with the OWL API that owlready2 ships (pellet/owlapi-distribution-*.jar).
// Usage: java -cp OWLAPI_JAR:DIR ProfileCheck [--map IRI=FILE]... FILE...
// Loads every FILE into one ontology manager (imports resolved through the --map pairs only, never
// the network), then prints one line per ontology and one per OWL 2 DL profile violation:
//   ONTOLOGY <tab> file <tab> ontology IRI <tab> version IRI <tab> axioms <tab> imports
//   VIOLATION <tab> file <tab> text
// Exit 0 when everything loaded (violations or not), 2 when a file could not be loaded.
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.util.SimpleIRIMapper;

public class ProfileCheck {
    public static void main(String[] args) {
        OWLOntologyManager m = OWLManager.createOWLOntologyManager();
        m.setSilentMissingImportsHandling(false);
        List<String> files = new ArrayList<String>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--map") && i + 1 < args.length) {
                String[] kv = args[++i].split("=", 2);
                m.addIRIMapper(new SimpleIRIMapper(IRI.create(kv[0]), IRI.create(new File(kv[1]))));
            } else {
                files.add(args[i]);
            }
        }
        List<OWLOntology> loaded = new ArrayList<OWLOntology>();
        for (String f : files) {
            try {
                IRI doc = IRI.create(new File(f));
                OWLOntology o = null;
                for (OWLOntology have : m.getOntologies()) {
                    if (doc.equals(m.getOntologyDocumentIRI(have))) o = have;
                }
                if (o == null) o = m.loadOntologyFromOntologyDocument(new File(f));
                loaded.add(o);
            } catch (Exception e) {
                System.out.println("ERROR\t" + f + "\t" + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).split("\n")[0]);
                System.exit(2);
            }
        }
        for (int i = 0; i < loaded.size(); i++) {
            OWLOntology o = loaded.get(i);
            String f = files.get(i);
            System.out.println("ONTOLOGY\t" + f + "\t" + o.getOntologyID().getOntologyIRI() + "\t"
                + o.getOntologyID().getVersionIRI() + "\t" + o.getAxiomCount() + "\t" + o.getImports().size());
            OWLProfileReport report = new OWL2DLProfile().checkOntology(o);
            for (OWLProfileViolation v : report.getViolations()) {
                System.out.println("VIOLATION\t" + f + "\t" + v.toString().replace('\n', ' ').replace('\t', ' '));
            }
        }
    }
}
